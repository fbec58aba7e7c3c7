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
  optionalStringRecord,
  sdkRequestOptionEntries,
} from "./fields.js";

/** A text part (openai-node `ChatCompletionContentPartText`). */
export const OpenAITextPartSchema = v.strictObject({ type: v.literal("text"), text: v.string() });

const RefusalPartSchema = v.strictObject({ type: v.literal("refusal"), refusal: v.string() });

const imagePart = v.strictObject({
  type: v.literal("image_url"),
  image_url: v.strictObject({ url: nonEmptyString, detail: optionalOneOf(["auto", "low", "high"]) }),
});
const audioPart = v.strictObject({
  type: v.literal("input_audio"),
  input_audio: v.strictObject({ data: nonEmptyString, format: v.picklist(["wav", "mp3"]) }),
});
const filePart = v.strictObject({
  type: v.literal("file"),
  file: v.strictObject({ file_data: optionalString, file_id: optionalString, filename: optionalString }),
});
const userPart = v.variant("type", [OpenAITextPartSchema, imagePart, audioPart, filePart]);

// Each part named, so declarations and type errors say `OpenAIChatImagePart`;
// typed through schemas that only exist for their types (a bundler drops them).
const textPartType = /* @__PURE__ */ asRequestSchema(OpenAITextPartSchema);
const imagePartType = /* @__PURE__ */ asRequestSchema(imagePart);
const audioPartType = /* @__PURE__ */ asRequestSchema(audioPart);
const filePartType = /* @__PURE__ */ asRequestSchema(filePart);

/** A text part (openai-node `ChatCompletionContentPartText`). */
export interface OpenAIChatTextPart extends v.InferInput<typeof textPartType> {}
/** An image part (openai-node `ChatCompletionContentPartImage`). */
export interface OpenAIChatImagePart extends v.InferInput<typeof imagePartType> {}
/** An audio part (openai-node `ChatCompletionContentPartInputAudio`). */
export interface OpenAIChatAudioPart extends v.InferInput<typeof audioPartType> {}
/** A file part (openai-node `ChatCompletionContentPart.File`). */
export interface OpenAIChatFilePart extends v.InferInput<typeof filePartType> {}

/** A content part of a user message (openai-node `ChatCompletionContentPart`): text, image_url, input_audio or file. */
export type OpenAIChatContentPart = OpenAIChatTextPart | OpenAIChatImagePart | OpenAIChatAudioPart | OpenAIChatFilePart;
export const OpenAIChatContentPartSchema: v.GenericSchema<OpenAIChatContentPart> = userPart;

const textContent = v.union([v.string(), v.array(OpenAITextPartSchema)]);

const toolCall = v.variant("type", [
  v.strictObject({ id: nonEmptyString, type: v.literal("function"), function: v.strictObject({ name: nonEmptyString, arguments: v.string() }) }),
  v.strictObject({ id: nonEmptyString, type: v.literal("custom"), custom: v.strictObject({ name: nonEmptyString, input: v.string() }) }),
]);

const systemMessage = v.strictObject({ role: v.literal("system"), content: textContent, name: optionalString });
const developerMessage = v.strictObject({ role: v.literal("developer"), content: textContent, name: optionalString });
const userMessage = v.strictObject({
  role: v.literal("user"),
  content: v.union([v.string(), v.array(OpenAIChatContentPartSchema)]),
  name: optionalString,
});
const assistantMessage = v.strictObject({
  role: v.literal("assistant"),
  // null is legal on assistant messages that only carry tool calls.
  content: v.nullish(v.union([v.string(), v.array(v.variant("type", [OpenAITextPartSchema, RefusalPartSchema]))])),
  name: optionalString,
  refusal: optionalString,
  tool_calls: v.nullish(v.array(toolCall)),
  function_call: v.nullish(v.strictObject({ name: nonEmptyString, arguments: v.string() })),
  audio: v.nullish(v.strictObject({ id: nonEmptyString })),
});
const toolMessage = v.strictObject({ role: v.literal("tool"), content: textContent, tool_call_id: nonEmptyString });
const functionMessage = v.strictObject({ role: v.literal("function"), content: v.nullable(v.string()), name: nonEmptyString });

const chatMessage = v.variant("role", [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage, functionMessage]);

// Each role named, so declarations and type errors say `OpenAIChatUserMessage`
// instead of spelling its fields out. Typed through schemas that only exist
// for their types (a bundler drops them).
const systemMessageType = /* @__PURE__ */ asRequestSchema(systemMessage);
const developerMessageType = /* @__PURE__ */ asRequestSchema(developerMessage);
const userMessageType = /* @__PURE__ */ asRequestSchema(userMessage);
const assistantMessageType = /* @__PURE__ */ asRequestSchema(assistantMessage);
const toolMessageType = /* @__PURE__ */ asRequestSchema(toolMessage);
const functionMessageType = /* @__PURE__ */ asRequestSchema(functionMessage);

/** A system message (openai-node `ChatCompletionSystemMessageParam`). */
export interface OpenAIChatSystemMessage extends v.InferInput<typeof systemMessageType> {}
/** A developer message (openai-node `ChatCompletionDeveloperMessageParam`). */
export interface OpenAIChatDeveloperMessage extends v.InferInput<typeof developerMessageType> {}
/** A user message (openai-node `ChatCompletionUserMessageParam`): text or content parts. */
export interface OpenAIChatUserMessage extends v.InferInput<typeof userMessageType> {}
/** An assistant message (openai-node `ChatCompletionAssistantMessageParam`), with its tool calls. */
export interface OpenAIChatAssistantMessage extends v.InferInput<typeof assistantMessageType> {}
/** A tool result (openai-node `ChatCompletionToolMessageParam`). */
export interface OpenAIChatToolMessage extends v.InferInput<typeof toolMessageType> {}
/** A function result, the deprecated form (openai-node `ChatCompletionFunctionMessageParam`). */
export interface OpenAIChatFunctionMessage extends v.InferInput<typeof functionMessageType> {}

/**
 * One message of a chat (openai-node `ChatCompletionMessageParam`): system,
 * developer, user, assistant, tool or function, each with its own fields.
 */
export type OpenAIChatMessage =
  | OpenAIChatSystemMessage
  | OpenAIChatDeveloperMessage
  | OpenAIChatUserMessage
  | OpenAIChatAssistantMessage
  | OpenAIChatToolMessage
  | OpenAIChatFunctionMessage;
export const OpenAIChatMessageSchema: v.GenericSchema<OpenAIChatMessage> = chatMessage;

/** A function's definition (openai-node `FunctionDefinition`), shared by Chat Completions and Responses. */
export const OpenAIFunctionDefinitionSchema = v.strictObject({
  name: nonEmptyString,
  description: optionalString,
  parameters: optionalObject,
  strict: optionalBoolean,
});

const chatTool = v.variant("type", [
  v.strictObject({ type: v.literal("function"), function: OpenAIFunctionDefinitionSchema }),
  v.strictObject({
    type: v.literal("custom"),
    custom: v.strictObject({ name: nonEmptyString, description: optionalString, format: optionalObject }),
  }),
]);

/** A tool of a chat (openai-node `ChatCompletionTool`): a function or a custom tool. */
export type OpenAIChatTool = v.InferInput<typeof chatTool>;
export const OpenAIChatToolSchema: v.GenericSchema<OpenAIChatTool> = chatTool;

/**
 * Parameters of the Chat Completions API (openai-node
 * `ChatCompletionCreateParams`, spelled as that SDK spells them).
 */
const OpenAIChatCompletionsEntries = {
  model: identifier,
  messages: v.pipe(v.array(OpenAIChatMessageSchema), v.minLength(1, "needs at least one message")),
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
  tools: v.nullish(v.array(OpenAIChatToolSchema)),
  top_logprobs: optionalInteger,
  top_p: optionalNumber,
  user: optionalString,
  verbosity: optionalOneOf(["low", "medium", "high"]),
  web_search_options: optionalObject,
  ...sdkRequestOptionEntries,
};

const openAIChatCompletionsSchema = asRequestSchema(v.strictObject(OpenAIChatCompletionsEntries));

type OpenAIChatCompletionsInput = v.InferInput<typeof openAIChatCompletionsSchema>;

/** Chat Completions parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type OpenAIChatCompletionsParams = { [K in keyof OpenAIChatCompletionsInput]: OpenAIChatCompletionsInput[K] };

/** Chat Completions parameters on their own (without routing fields). */
export const OpenAIChatCompletionsSchema: RequestSchema<OpenAIChatCompletionsParams> = openAIChatCompletionsSchema;
