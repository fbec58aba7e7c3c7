import * as v from "valibot";
import { ContentPartSchema } from "./openai-chat-completions.js";
import {
  identifier,
  nonEmptyString,
  openObject,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalObjectList,
  optionalOneOf,
  optionalString,
  optionalStringList,
  sdkRequestOptionEntries,
} from "./fields.js";

const AnthropicMessageSchema = openObject({
  role: v.picklist(["user", "assistant", "system"]),
  content: v.union([v.string(), v.array(ContentPartSchema)]),
});

/**
 * Parameters of the Messages API (@anthropic-ai/sdk `MessageCreateParams`).
 * `temperature`, `top_k` and `top_p` are no longer in the current SDK's types
 * but existing Model Manager servers (and many models) still take them.
 */
export const AnthropicMessagesEntries = {
  model: identifier,
  max_tokens: v.pipe(v.number(), v.integer(), v.minValue(1)),
  messages: v.pipe(v.array(AnthropicMessageSchema), v.minLength(1, "needs at least one message")),
  cache_control: optionalObject,
  container: v.nullish(v.union([v.string(), optionalObject])),
  diagnostics: optionalObject,
  inference_geo: optionalString,
  metadata: optionalObject,
  output_config: optionalObject,
  service_tier: optionalOneOf(["auto", "standard_only"]),
  speed: optionalOneOf(["standard", "fast"]),
  stop_sequences: optionalStringList,
  system: v.nullish(v.union([v.string(), v.array(ContentPartSchema)])),
  temperature: optionalNumber,
  thinking: optionalObject,
  tool_choice: optionalObject,
  tools: optionalObjectList,
  top_k: optionalInteger,
  top_p: optionalNumber,
  user_profile_id: optionalString,
  workspace_id: optionalString,
  ...sdkRequestOptionEntries,
};

/** Messages API parameters on their own. */
export const AnthropicMessagesSchema = v.strictObject(AnthropicMessagesEntries);
