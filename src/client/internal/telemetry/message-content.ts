// Prompt and answer text in the shapes of the GenAI conventions
// (`gen_ai.input.messages`: [{ role, parts: [{ type: "text", content }] }]),
// recorded only when the user opted in. Binary parts are named, never copied.

type Part = { type: string; content?: string };
type Message = { role: string; parts: Part[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function partsOf(content: unknown): Part[] {
  if (typeof content === "string") return [{ type: "text", content }];
  if (!Array.isArray(content)) return isRecord(content) ? partsOf([content]) : [];
  return content.map((part): Part => {
    if (typeof part === "string") return { type: "text", content: part };
    if (isRecord(part) && typeof part["text"] === "string") return { type: "text", content: part["text"] };
    return { type: isRecord(part) && typeof part["type"] === "string" ? part["type"] : "blob" };
  });
}

function messagesOf(list: unknown, defaultRole: string): Message[] {
  if (typeof list === "string") return [{ role: defaultRole, parts: partsOf(list) }];
  if (!Array.isArray(list)) return [];
  return list.map((message): Message => {
    if (!isRecord(message)) return { role: defaultRole, parts: partsOf(message) };
    const role = typeof message["role"] === "string" ? message["role"] : defaultRole;
    return { role, parts: partsOf(message["content"] ?? message["parts"] ?? message["text"]) };
  });
}

/** The request's input messages: `messages`, `input`, `contents` or `prompt`. */
export function inputMessages(request: Readonly<Record<string, unknown>>): string | undefined {
  const source = request["messages"] ?? request["input"] ?? request["contents"] ?? request["prompt"];
  const messages = messagesOf(source, "user");
  return messages.length > 0 ? JSON.stringify(messages) : undefined;
}

/** Instructions given apart from the messages: `instructions`, `system`, Google `config.systemInstruction`. */
export function systemInstructions(request: Readonly<Record<string, unknown>>): string | undefined {
  const config = isRecord(request["config"]) ? request["config"] : undefined;
  const source = request["instructions"] ?? request["system"] ?? config?.["systemInstruction"] ?? config?.["system_instruction"];
  if (source === undefined) return undefined;
  const parts = isRecord(source) && "parts" in source ? partsOf(source["parts"]) : partsOf(source);
  return parts.length > 0 ? JSON.stringify(parts) : undefined;
}

/** The answer as one assistant output message. */
export function outputMessages(text: string, finishReason: string | undefined): string {
  const message: Record<string, unknown> = { role: "assistant", parts: text === "" ? [] : [{ type: "text", content: text }] };
  if (finishReason !== undefined) message["finish_reason"] = finishReason;
  return JSON.stringify([message]);
}
