import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
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
  keyOf,
  type PassedThrough,
  passThroughTypes,
  sdkRequestOptionEntries,
  shapeOf,
} from "./fields.js";

const cacheControl = optionalObject;

/** A text block (@anthropic-ai/sdk `TextBlockParam`). */
export const AnthropicTextBlockSchema = v.strictObject({
  type: v.literal("text"),
  text: v.string(),
  cache_control: cacheControl,
  citations: optionalObjectList,
});

const imageBlock = v.strictObject({
  type: v.literal("image"),
  source: v.variant("type", [
    v.strictObject({ type: v.literal("base64"), media_type: v.picklist(["image/jpeg", "image/png", "image/gif", "image/webp"]), data: nonEmptyString }),
    v.strictObject({ type: v.literal("url"), url: nonEmptyString }),
    v.strictObject({ type: v.literal("file"), file_id: nonEmptyString }),
  ]),
  cache_control: cacheControl,
});

const documentBlock = v.strictObject({
  type: v.literal("document"),
  source: openObject({ type: v.picklist(["base64", "text", "content", "url", "file"]) }),
  cache_control: cacheControl,
  citations: optionalObject,
  context: optionalString,
  title: optionalString,
});

const caller = optionalObject;

// Block types this SDK passes through with their `type` checked only: server
// tool calls and results, which the model writes and the caller sends back.
const PASSED_BLOCKS = [
  "search_result",
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
  "container_upload",
] as const;
const PASSED_RESULT_BLOCKS = ["search_result", "tool_reference", "browser_state"] as const;

const toolResultBlock = v.strictObject({
  type: v.literal("tool_result"),
  tool_use_id: nonEmptyString,
  content: v.nullish(
    v.union([
      v.string(),
      v.array(
        v.variant("type", [AnthropicTextBlockSchema, imageBlock, documentBlock, ...passThroughTypes(PASSED_RESULT_BLOCKS)]) as unknown as v.GenericSchema<
          | v.InferInput<typeof AnthropicTextBlockSchema | typeof imageBlock | typeof documentBlock>
          | PassedThrough<{ type: (typeof PASSED_RESULT_BLOCKS)[number] }>
        >,
      ),
    ]),
  ),
  is_error: optionalBoolean,
  cache_control: cacheControl,
  toolset_name: optionalString,
});

const thinkingBlock = v.strictObject({ type: v.literal("thinking"), thinking: v.string(), signature: v.string() });
const redactedThinkingBlock = v.strictObject({ type: v.literal("redacted_thinking"), data: v.string() });
const toolUseBlock = v.strictObject({
  type: v.literal("tool_use"),
  id: nonEmptyString,
  name: nonEmptyString,
  input: v.unknown(),
  cache_control: cacheControl,
  caller,
  toolset_name: optionalString,
});

const checkedBlocks = [AnthropicTextBlockSchema, imageBlock, documentBlock, thinkingBlock, redactedThinkingBlock, toolUseBlock, toolResultBlock] as const;

// Each checked block named, so declarations and type errors say
// `AnthropicTextBlock`; typed through schemas that only exist for their types
// (a bundler drops them).
const textBlockType = /* @__PURE__ */ asRequestSchema(AnthropicTextBlockSchema);
const imageBlockType = /* @__PURE__ */ asRequestSchema(imageBlock);
const documentBlockType = /* @__PURE__ */ asRequestSchema(documentBlock);
const thinkingBlockType = /* @__PURE__ */ asRequestSchema(thinkingBlock);
const redactedThinkingBlockType = /* @__PURE__ */ asRequestSchema(redactedThinkingBlock);
const toolUseBlockType = /* @__PURE__ */ asRequestSchema(toolUseBlock);
const toolResultBlockType = /* @__PURE__ */ asRequestSchema(toolResultBlock);

/** A text block (@anthropic-ai/sdk `TextBlockParam`). */
export interface AnthropicTextBlock extends v.InferInput<typeof textBlockType> {}
/** An image block (@anthropic-ai/sdk `ImageBlockParam`): base64, URL or file source. */
export interface AnthropicImageBlock extends v.InferInput<typeof imageBlockType> {}
/** A document block (@anthropic-ai/sdk `DocumentBlockParam`). */
export interface AnthropicDocumentBlock extends v.InferInput<typeof documentBlockType> {}
/** A thinking block (@anthropic-ai/sdk `ThinkingBlockParam`). */
export interface AnthropicThinkingBlock extends v.InferInput<typeof thinkingBlockType> {}
/** A redacted thinking block (@anthropic-ai/sdk `RedactedThinkingBlockParam`). */
export interface AnthropicRedactedThinkingBlock extends v.InferInput<typeof redactedThinkingBlockType> {}
/** A tool call of the model, sent back (@anthropic-ai/sdk `ToolUseBlockParam`). */
export interface AnthropicToolUseBlock extends v.InferInput<typeof toolUseBlockType> {}
/** A tool's result (@anthropic-ai/sdk `ToolResultBlockParam`). */
export interface AnthropicToolResultBlock extends v.InferInput<typeof toolResultBlockType> {}

/** A content block of a message (@anthropic-ai/sdk `ContentBlockParam`). */
export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | PassedThrough<{ type: (typeof PASSED_BLOCKS)[number] }>;
export const AnthropicContentBlockSchema = v.variant("type", [...checkedBlocks, ...passThroughTypes(PASSED_BLOCKS)]) as unknown as v.GenericSchema<AnthropicContentBlock>;

const conversationMessage = v.strictObject({
  role: v.picklist(["user", "assistant"]),
  content: v.union([v.string(), v.array(AnthropicContentBlockSchema)]),
});
// @anthropic-ai/sdk `SystemMessageParam`: text only.
// The same text block schema, typed by its name so a system message's blocks are `AnthropicTextBlock`s too.
const textBlock: v.GenericSchema<AnthropicTextBlock> = AnthropicTextBlockSchema;
const systemMessage = v.strictObject({ role: v.literal("system"), content: v.union([v.string(), v.array(textBlock)]) });
const message = v.variant("role", [conversationMessage, systemMessage]);

// Typed through schemas that only exist for their types (a bundler drops
// them), so declarations and type errors name the message kinds.
const conversationMessageType = /* @__PURE__ */ asRequestSchema(conversationMessage);
const systemMessageType = /* @__PURE__ */ asRequestSchema(systemMessage);

/** A `user` or `assistant` message (@anthropic-ai/sdk `MessageParam`): text or content blocks. */
export interface AnthropicConversationMessage extends v.InferInput<typeof conversationMessageType> {}
/** A `system` message (@anthropic-ai/sdk `SystemMessageParam`): text only. */
export interface AnthropicSystemMessage extends v.InferInput<typeof systemMessageType> {}

/** One message (@anthropic-ai/sdk `MessageParam`): `user` or `assistant` with text or content blocks, or `system` with text. */
export type AnthropicMessage = AnthropicConversationMessage | AnthropicSystemMessage;
export const AnthropicMessageSchema: v.GenericSchema<AnthropicMessage> = message;

const customTool = v.strictObject({
  name: nonEmptyString,
  input_schema: anObject,
  type: v.nullish(v.literal("custom")),
  description: optionalString,
  cache_control: cacheControl,
  strict: optionalBoolean,
  allowed_callers: optionalStringList,
  defer_loading: optionalBoolean,
  eager_input_streaming: optionalBoolean,
  input_examples: optionalObjectList,
});

// Server tools (bash_20250124, web_search_20250305, …): named by a versioned
// type, their settings passed through.
const serverTool = v.looseObject({
  type: v.pipe(v.string(), v.check((type) => type !== "custom", "a custom tool takes name and input_schema")),
  name: nonEmptyString,
});

/** A tool (@anthropic-ai/sdk `ToolUnion`): a custom tool (`name`, `input_schema`) or a versioned server tool. */
export type AnthropicTool = v.InferInput<typeof customTool> | PassedThrough<{ type: string; name: string }>;
export const AnthropicToolSchema = shapeOf([customTool, serverTool], (input) => {
  const type = keyOf(input, "type");
  return type === undefined || type === null || type === "custom" ? customTool : serverTool;
}) as unknown as v.GenericSchema<AnthropicTool>;

/**
 * Parameters of the Messages API (@anthropic-ai/sdk `MessageCreateParams`).
 * `temperature`, `top_k` and `top_p` are no longer in the current SDK's types
 * but existing Model Manager servers (and many models) still take them.
 */
const AnthropicMessagesEntries = {
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
  system: v.nullish(v.union([v.string(), v.array(AnthropicTextBlockSchema)])),
  temperature: optionalNumber,
  thinking: optionalObject,
  tool_choice: optionalObject,
  tools: v.nullish(v.array(AnthropicToolSchema)),
  top_k: optionalInteger,
  top_p: optionalNumber,
  user_profile_id: optionalString,
  workspace_id: optionalString,
  ...sdkRequestOptionEntries,
};

const anthropicMessagesSchema = asRequestSchema(v.strictObject(AnthropicMessagesEntries));

type AnthropicMessagesInput = v.InferInput<typeof anthropicMessagesSchema>;

/** Messages API parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type AnthropicMessagesParams = { [K in keyof AnthropicMessagesInput]: AnthropicMessagesInput[K] };

/** Messages API parameters on their own. */
export const AnthropicMessagesSchema: RequestSchema<AnthropicMessagesParams> = anthropicMessagesSchema;
