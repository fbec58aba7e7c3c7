/**
 * A tool (function) call the model asked for. `id`, `type` and `function` are
 * the OpenAI Chat shape (send them back as an assistant message's
 * `tool_calls`); the arguments also come parsed.
 */
export interface ToolCall {
  id: string;
  type: "function";
  function: {
    name: string;
    /** The arguments as JSON text, exactly as the model wrote them. */
    arguments: string;
  };
  /** The arguments parsed; absent when they are not a JSON object (then `argumentsError` says why). */
  parsedArguments?: Record<string, unknown>;
  /** Why `function.arguments` could not be parsed into an object (invalid or cut-short JSON, not an object). */
  argumentsError?: string;
}

function parseArguments(text: string): Pick<ToolCall, "parsedArguments" | "argumentsError"> {
  // A function without parameters may come with no argument text at all.
  if (text.trim() === "") return { parsedArguments: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { argumentsError: `arguments are not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { argumentsError: `arguments are JSON but not an object (${Array.isArray(parsed) ? "an array" : parsed === null ? "null" : typeof parsed})` };
  }
  return { parsedArguments: parsed as Record<string, unknown> };
}

/**
 * A {@link ToolCall} from a provider's call: `args` is either the JSON text
 * (OpenAI) or the already-parsed object (Gemini `args`, Anthropic `input`).
 */
export function toolCall(id: unknown, name: unknown, args: unknown): ToolCall {
  const text = typeof args === "string" ? args : JSON.stringify(args ?? {});
  return {
    id: typeof id === "string" ? id : "",
    type: "function",
    function: { name: typeof name === "string" ? name : "", arguments: text },
    ...parseArguments(text),
  };
}
