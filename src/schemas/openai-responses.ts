import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { OpenAIFunctionDefinitionSchema } from "./openai-chat-completions.js";
import {
  anObject,
  identifier,
  nonEmptyString,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalObjectList,
  optionalOneOf,
  optionalString,
  optionalStringList,
  optionalStringRecord,
  keyOf,
  type PassedThrough,
  sdkRequestOptionEntries,
  shapeOf,
} from "./fields.js";

const cacheBreakpoint = optionalObject;

const contentPart = v.variant("type", [
  v.strictObject({ type: v.literal("input_text"), text: v.string(), prompt_cache_breakpoint: cacheBreakpoint }),
  v.strictObject({
    type: v.literal("input_image"),
    detail: optionalOneOf(["low", "high", "auto", "original"]),
    file_id: optionalString,
    image_url: optionalString,
    prompt_cache_breakpoint: cacheBreakpoint,
  }),
  v.strictObject({
    type: v.literal("input_file"),
    detail: optionalOneOf(["low", "high", "auto"]),
    file_data: optionalString,
    file_id: optionalString,
    file_url: optionalString,
    filename: optionalString,
    prompt_cache_breakpoint: cacheBreakpoint,
  }),
  v.looseObject({ type: v.literal("input_audio") }),
  // An earlier answer sent back: output text and refusals.
  v.strictObject({ type: v.literal("output_text"), text: v.string(), annotations: optionalObjectList, logprobs: optionalObjectList }),
  v.strictObject({ type: v.literal("refusal"), refusal: v.string() }),
]);

/** A content part of a Responses message (openai-node `ResponseInputContent`, plus output text sent back). */
export type OpenAIResponsesContentPart = v.InferInput<typeof contentPart>;
export const OpenAIResponsesContentPartSchema: v.GenericSchema<OpenAIResponsesContentPart> = contentPart;

const status = optionalOneOf(["in_progress", "completed", "incomplete"]);
const CHECKED_ITEM_TYPES: readonly string[] = ["message", "function_call", "function_call_output"];

const checkedItems = [
  // openai-node `EasyInputMessage`, `ResponseInputItem.Message`, `ResponseOutputMessage`
  v.strictObject({
    role: v.picklist(["user", "assistant", "system", "developer"]),
    content: v.union([v.string(), v.array(OpenAIResponsesContentPartSchema)]),
    type: v.optional(v.literal("message")),
    id: optionalString,
    status,
    phase: optionalOneOf(["commentary", "final_answer"]),
  }),
  v.strictObject({
    type: v.literal("function_call"),
    call_id: nonEmptyString,
    name: nonEmptyString,
    arguments: v.string(),
    id: optionalString,
    namespace: optionalString,
    caller: optionalObject,
    status,
  }),
  v.strictObject({
    type: v.literal("function_call_output"),
    call_id: nonEmptyString,
    output: v.union([v.string(), v.array(anObject)]),
    id: optionalString,
    caller: optionalObject,
    status,
  }),
] as const;

// Every other item (reasoning, tool calls and their outputs, item
// references, …): its type checked, its fields passed through.
const otherItem = v.looseObject({
  type: v.pipe(
    nonEmptyString,
    v.check((type) => !CHECKED_ITEM_TYPES.includes(type), "this item type has its own fields (see the message of the matching item)"),
  ),
});

/**
 * One input item (openai-node `ResponseInputItem`): a message (`role`,
 * `content`), a function call or its output, or another typed item.
 */
export type OpenAIResponsesInputItem = v.InferInput<(typeof checkedItems)[number]> | PassedThrough<{ type: string }>;
export const OpenAIResponsesInputItemSchema = shapeOf([...checkedItems, otherItem], (input) => {
  const type = keyOf(input, "type");
  if (type === undefined || type === "message") return checkedItems[0];
  return type === "function_call" ? checkedItems[1] : type === "function_call_output" ? checkedItems[2] : otherItem;
}) as unknown as v.GenericSchema<OpenAIResponsesInputItem>;

const functionTool = v.strictObject({
    type: v.literal("function"),
    name: OpenAIFunctionDefinitionSchema.entries.name,
    parameters: optionalObject,
    strict: optionalBoolean,
    description: optionalString,
    allowed_callers: optionalStringList,
    defer_loading: optionalBoolean,
    output_schema: optionalObject,
});

// Built-in tools (web_search, file_search, mcp, …): their type checked, their settings passed through.
const builtInTool = v.looseObject({ type: v.pipe(nonEmptyString, v.check((type) => type !== "function", "a function tool takes name and parameters")) });

/** A tool of a response (openai-node `Tool`): a function, or a built-in tool by its type. */
export type OpenAIResponsesTool = v.InferInput<typeof functionTool> | PassedThrough<{ type: string }>;
export const OpenAIResponsesToolSchema = shapeOf([functionTool, builtInTool], (input) =>
  keyOf(input, "type") === "function" ? functionTool : builtInTool,
) as unknown as v.GenericSchema<OpenAIResponsesTool>;

/**
 * Parameters of the Responses API (openai-node `ResponseCreateParams`).
 */
const OpenAIResponsesEntries = {
  model: identifier,
  input: v.union([nonEmptyString, v.pipe(v.array(OpenAIResponsesInputItemSchema), v.minLength(1, "needs at least one item"))]),
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
  tools: v.nullish(v.array(OpenAIResponsesToolSchema)),
  top_logprobs: optionalInteger,
  top_p: optionalNumber,
  truncation: optionalOneOf(["auto", "disabled"]),
  user: optionalString,
  ...sdkRequestOptionEntries,
};

const openAIResponsesSchema = asRequestSchema(v.strictObject(OpenAIResponsesEntries));

type OpenAIResponsesInput = v.InferInput<typeof openAIResponsesSchema>;

/** Responses API parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type OpenAIResponsesParams = { [K in keyof OpenAIResponsesInput]: OpenAIResponsesInput[K] };

/** Responses API parameters on their own (without routing fields). */
export const OpenAIResponsesSchema: RequestSchema<OpenAIResponsesParams> = openAIResponsesSchema;
