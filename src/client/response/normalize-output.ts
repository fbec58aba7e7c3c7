// Finish reason and tool calls, normalised to the OpenAI Chat vocabulary from
// the raw response shapes of OpenAI Chat, OpenAI Responses, Google Gemini and
// Anthropic Messages (whole responses and stream chunks). Tool calls streamed
// in pieces are assembled by ./tool-call-assembly.ts.
import { type ToolCall, toolCall } from "./tool-call.js";

/** Why generation stopped: `stop`, `length`, `tool_calls`, `content_filter`, or the provider's own word in lower case. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | (string & {});

/** What {@link normalizeOutput} found. */
export interface NormalizedOutput {
  finishReason?: FinishReason;
  toolCalls?: ToolCall[];
}

type Json = Record<string, any>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

const googleReasons: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
};

const anthropicReasons: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

function result(finishReason: unknown, toolCalls: ToolCall[]): NormalizedOutput {
  const out: NormalizedOutput = {};
  if (toolCalls.length > 0) out.toolCalls = toolCalls;
  if (typeof finishReason === "string" && finishReason) out.finishReason = finishReason;
  return out;
}

function openAIChat(choice: Json): NormalizedOutput {
  // Stream deltas carry tool calls in fragments; only whole messages are normalised.
  const calls: unknown[] = Array.isArray(choice["message"]?.tool_calls) ? choice["message"].tool_calls : [];
  return result(
    choice["finish_reason"],
    calls.filter(isObject).map((call) => toolCall(call["id"], call["function"]?.name, call["function"]?.arguments)),
  );
}

/** A Responses API `function_call` output item as a {@link ToolCall}. */
export const responsesToolCall = (item: Json): ToolCall => toolCall(item["call_id"] ?? item["id"], item["name"], item["arguments"]);

function openAIResponse(response: Json): NormalizedOutput {
  const output: unknown[] = Array.isArray(response["output"]) ? response["output"] : [];
  const calls = output.filter((item): item is Json => isObject(item) && item["type"] === "function_call").map(responsesToolCall);
  const status = response["status"];
  let reason: unknown;
  if (status === "completed") reason = calls.length > 0 ? "tool_calls" : "stop";
  else if (status === "incomplete") {
    reason = response["incomplete_details"]?.reason === "max_output_tokens" ? "length" : "content_filter";
  } else if (status === "failed") reason = "error";
  return result(reason, calls);
}

/** The function calls among Gemini parts (camelCase, or snake_case as the Python SDK dumps them), in order. */
export function geminiFunctionCalls(candidate: unknown): Json[] {
  if (!isObject(candidate)) return [];
  const parts: unknown = candidate["content"]?.parts;
  if (!Array.isArray(parts)) return [];
  return parts.flatMap((part) => {
    const call = isObject(part) ? (part["functionCall"] ?? part["function_call"]) : undefined;
    return isObject(call) ? [call] : [];
  });
}

/** Gemini gives calls no id before Gemini 3: they are named by position and function, as the Python SDK does. */
export const geminiToolCall = (call: Json, index: number): ToolCall =>
  toolCall(call["id"] ?? `call_${index}_${call["name"]}`, call["name"], call["args"]);

function google(candidate: Json): NormalizedOutput {
  const calls = geminiFunctionCalls(candidate).map(geminiToolCall);
  const raw = candidate["finishReason"] ?? candidate["finish_reason"];
  let reason = typeof raw === "string" ? (googleReasons[raw] ?? raw.toLowerCase()) : undefined;
  if (calls.length > 0 && reason === "stop") reason = "tool_calls";
  return result(reason, calls);
}

function anthropic(stopReason: unknown, content: unknown): NormalizedOutput {
  const blocks: unknown[] = Array.isArray(content) ? content : [];
  const calls = blocks
    .filter((block): block is Json => isObject(block) && block["type"] === "tool_use")
    .map((block) => toolCall(block["id"], block["name"], block["input"]));
  const reason = typeof stopReason === "string" ? (anthropicReasons[stopReason] ?? stopReason) : undefined;
  return result(reason, calls);
}

/** Finish reason and tool calls of a parsed `raw_response`, whichever provider shape it has. */
export function normalizeOutput(raw: unknown): NormalizedOutput {
  if (!isObject(raw)) return {};
  if (Array.isArray(raw["choices"])) return isObject(raw["choices"][0]) ? openAIChat(raw["choices"][0]) : {};
  if (Array.isArray(raw["candidates"]) && isObject(raw["candidates"][0])) return google(raw["candidates"][0]);
  // Google blocked the prompt: no candidate, and that is the whole answer.
  if (isObject(raw["promptFeedback"]) && raw["promptFeedback"]["blockReason"]) return result("content_filter", []);
  if (Array.isArray(raw["candidates"])) return {};
  if (raw["object"] === "response") return openAIResponse(raw);
  if (typeof raw["type"] === "string") {
    if (raw["type"].startsWith("response.") && isObject(raw["response"])) return openAIResponse(raw["response"]);
    if (raw["type"] === "message") return anthropic(raw["stop_reason"], raw["content"]);
    if (raw["type"] === "message_delta") return anthropic(raw["delta"]?.stop_reason, undefined);
  }
  return {};
}
