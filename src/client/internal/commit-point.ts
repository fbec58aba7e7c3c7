// Where a model answer commits: its first *content* (text, or a fragment of a
// tool call). Frames before it (`response.created`, a role-only delta, an
// empty keep-alive) may be dropped with the attempt that sent them: the caller
// has seen nothing of the answer yet, so a retry or a fallback cannot splice
// two answers together.
import type { ModelResponseItem } from "../../gen/model_service/model_service.js";

// A tool call in any provider's raw shape, whole or as a stream fragment:
// OpenAI Chat `tool_calls: [{…`, Responses `function_call…` items and
// argument deltas, Gemini `functionCall`, Anthropic `tool_use` blocks and
// `input_json_delta`.
const TOOL_CALL = /"tool_calls"\s*:\s*\[\s*\{|"functionCall"\s*:|"(?:tool_use|input_json_delta|function_call|response\.function_call_arguments\.delta)"/;

/** True when `item` carries part of the answer itself, not only metadata. */
export function carriesContent(item: Pick<ModelResponseItem, "content" | "rawResponse">): boolean {
  return item.content !== "" || (item.rawResponse !== "" && TOOL_CALL.test(item.rawResponse));
}
