import * as v from "valibot";
import {
  anObject,
  identifier,
  nonEmptyString,
  openObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalObjectList,
  optionalOneOf,
  optionalString,
  optionalStringRecord,
  sdkRequestOptionEntries,
} from "./fields.js";

/** A content part (`{ type: "text", text }`, `{ type: "image_url", … }`, …). */
export const ContentPartSchema = openObject({ type: nonEmptyString });

const ChatMessageSchema = openObject({
  role: v.picklist(["system", "developer", "user", "assistant", "tool", "function"]),
  // null is legal on assistant messages that only carry tool calls.
  content: v.nullish(v.union([v.string(), v.array(ContentPartSchema)])),
});

/**
 * Parameters of the Chat Completions API (openai-node
 * `ChatCompletionCreateParams`, spelled as that SDK spells them).
 */
export const OpenAIChatCompletionsEntries = {
  model: identifier,
  messages: v.pipe(v.array(ChatMessageSchema), v.minLength(1, "needs at least one message")),
  audio: optionalObject,
  frequency_penalty: optionalNumber,
  function_call: v.nullish(v.union([v.picklist(["none", "auto"]), anObject])),
  functions: optionalObjectList,
  logit_bias: v.nullish(v.record(v.string(), v.number())),
  logprobs: optionalBoolean,
  max_completion_tokens: optionalInteger,
  max_tokens: optionalInteger,
  metadata: optionalStringRecord,
  modalities: v.nullish(v.array(v.picklist(["text", "audio"]))),
  moderation: optionalObject,
  n: optionalInteger,
  parallel_tool_calls: optionalBoolean,
  prediction: optionalObject,
  presence_penalty: optionalNumber,
  prompt_cache_key: optionalString,
  prompt_cache_options: optionalObject,
  prompt_cache_retention: optionalOneOf(["in_memory", "24h"]),
  reasoning_effort: optionalString,
  response_format: optionalObject,
  safety_identifier: optionalString,
  seed: optionalInteger,
  service_tier: optionalOneOf(["auto", "default", "flex", "scale", "priority"]),
  stop: v.nullish(v.union([v.string(), v.array(v.string())])),
  store: optionalBoolean,
  stream_options: optionalObject,
  temperature: optionalNumber,
  tool_choice: v.nullish(v.union([v.picklist(["none", "auto", "required"]), anObject])),
  tools: optionalObjectList,
  top_logprobs: optionalInteger,
  top_p: optionalNumber,
  user: optionalString,
  verbosity: optionalOneOf(["low", "medium", "high"]),
  web_search_options: optionalObject,
  ...sdkRequestOptionEntries,
};

/** Chat Completions parameters on their own (without routing fields). */
export const OpenAIChatCompletionsSchema = v.strictObject(OpenAIChatCompletionsEntries);
