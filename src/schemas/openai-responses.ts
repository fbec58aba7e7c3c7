import * as v from "valibot";
import { ContentPartSchema } from "./openai-chat-completions.js";
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
  optionalStringList,
  optionalStringRecord,
  sdkRequestOptionEntries,
} from "./fields.js";

// Input items are messages (`role` + `content`) or typed items such as
// `function_call_output`; both shapes are checked only where they are typed.
const ResponseInputItemSchema = openObject({
  role: v.optional(v.picklist(["user", "assistant", "system", "developer"])),
  type: v.optional(nonEmptyString),
  content: v.optional(v.union([v.string(), v.array(ContentPartSchema)])),
});

/**
 * Parameters of the Responses API (openai-node `ResponseCreateParams`).
 */
export const OpenAIResponsesEntries = {
  model: identifier,
  input: v.union([nonEmptyString, v.pipe(v.array(ResponseInputItemSchema), v.minLength(1, "needs at least one item"))]),
  background: optionalBoolean,
  context_management: optionalObjectList,
  conversation: v.nullish(v.union([v.string(), anObject])),
  include: optionalStringList,
  instructions: optionalString,
  max_output_tokens: optionalInteger,
  max_tool_calls: optionalInteger,
  metadata: optionalStringRecord,
  moderation: optionalObject,
  parallel_tool_calls: optionalBoolean,
  previous_response_id: optionalString,
  prompt: optionalObject,
  prompt_cache_key: optionalString,
  prompt_cache_options: optionalObject,
  prompt_cache_retention: optionalOneOf(["in_memory", "24h"]),
  reasoning: optionalObject,
  safety_identifier: optionalString,
  service_tier: optionalOneOf(["auto", "default", "flex", "scale", "priority"]),
  store: optionalBoolean,
  stream_options: optionalObject,
  temperature: optionalNumber,
  text: optionalObject,
  tool_choice: v.nullish(v.union([v.picklist(["none", "auto", "required"]), anObject])),
  tools: optionalObjectList,
  top_logprobs: optionalInteger,
  top_p: optionalNumber,
  truncation: optionalOneOf(["auto", "disabled"]),
  user: optionalString,
  ...sdkRequestOptionEntries,
};

/** Responses API parameters on their own (without routing fields). */
export const OpenAIResponsesSchema = v.strictObject(OpenAIResponsesEntries);
