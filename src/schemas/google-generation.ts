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
  optionalString,
  optionalStringList,
  optionalStringRecord,
  keyOf,
  shapeOf,
} from "./fields.js";

const part = v.strictObject({
  text: optionalString,
  thought: optionalBoolean,
  thoughtSignature: optionalString,
  inlineData: v.nullish(v.strictObject({ data: optionalString, mimeType: optionalString, displayName: optionalString })),
  fileData: v.nullish(v.strictObject({ fileUri: optionalString, mimeType: optionalString, displayName: optionalString })),
  functionCall: v.nullish(
    v.strictObject({ id: optionalString, name: optionalString, args: v.nullish(v.record(v.string(), v.unknown())), partialArgs: optionalObjectList, willContinue: optionalBoolean }),
  ),
  functionResponse: optionalObject,
  executableCode: optionalObject,
  codeExecutionResult: optionalObject,
  videoMetadata: optionalObject,
  mediaResolution: optionalObject,
  partMetadata: v.nullish(v.record(v.string(), v.unknown())),
  toolCall: optionalObject,
  toolResponse: optionalObject,
  audioTranscription: optionalObject,
  mediaProcessing: optionalString,
  speechMetadata: optionalObject,
});

// Typed through a schema that only exists for its type (a bundler drops it),
// so declarations and type errors name `GooglePart` instead of its fields.
const partType = /* @__PURE__ */ asRequestSchema(part);

/** A part of a content (@google/genai `Part`): text, inline or file data, a function call or response, … */
export interface GooglePart extends v.InferInput<typeof partType> {}
export const GooglePartSchema: v.GenericSchema<GooglePart> = part;

const PartSchema = v.union(
  [v.string(), shapeOf([GooglePartSchema], () => GooglePartSchema)],
  (issue) => `Invalid type: Expected string or Object but received ${issue.received}`,
);


const content = v.strictObject({
  role: optionalString,
  parts: v.nullish(v.array(PartSchema)),
});

const contentType = /* @__PURE__ */ asRequestSchema(content);

/** A turn (@google/genai `Content`): its role (`user`, `model`) and parts. */
export interface GoogleContent extends v.InferInput<typeof contentType> {}
export const GoogleContentSchema: v.GenericSchema<GoogleContent> = content;

// A content (`role`, `parts`) or a bare part (`text`, `inlineData`, …), told apart by their keys.
const contentOrPart = shapeOf([GoogleContentSchema, GooglePartSchema], (input) =>
  keyOf(input, "role") !== undefined || keyOf(input, "parts") !== undefined ? GoogleContentSchema : GooglePartSchema,
);

const functionDeclaration = v.strictObject({
  name: optionalString,
  description: optionalString,
  behavior: optionalString,
  parameters: optionalObject,
  parametersJsonSchema: v.optional(v.unknown()),
  response: optionalObject,
  responseJsonSchema: v.optional(v.unknown()),
});

const tool = v.strictObject({
  functionDeclarations: v.nullish(v.array(functionDeclaration)),
  googleSearch: optionalObject,
  googleSearchRetrieval: optionalObject,
  codeExecution: optionalObject,
  urlContext: optionalObject,
  retrieval: optionalObject,
  googleMaps: optionalObject,
  enterpriseWebSearch: optionalObject,
  computerUse: optionalObject,
  fileSearch: optionalObject,
  mcpServers: optionalObjectList,
  exaAiSearch: optionalObject,
  parallelAiSearch: optionalObject,
});

/**
 * @google/genai's `CallableTool` (an MCP client's tools): typed so that a
 * `GenerateContentConfig` typed with that SDK type-checks, and refused at run
 * time, where its functions cannot travel.
 */
export interface GoogleCallableTool {
  tool(): Promise<unknown>;
  callTool(functionCalls: never[]): Promise<unknown>;
}

/** A tool (@google/genai `Tool`): function declarations or a built-in tool (googleSearch, codeExecution, …). */
export type GoogleTool = v.InferInput<typeof tool> | GoogleCallableTool;
export const GoogleToolSchema = tool as unknown as v.GenericSchema<GoogleTool>;

/**
 * `contents` as @google/genai accepts it: a string, a `Content`
 * (`{ role, parts }`), a part, or a non-empty list of them.
 */
export const GoogleContentsSchema = v.union([
  nonEmptyString,
  contentOrPart,
  v.pipe(
    v.array(v.union([v.string(), contentOrPart], (issue) => `Invalid type: Expected string or Object but received ${issue.received}`)),
    v.minLength(1, "needs at least one content"),
  ),
]);

/**
 * `httpOptions` of a Google call. Only `extraBody` reaches the provider
 * through a Model Manager: it is the escape hatch for request-body fields newer
 * than this SDK.
 */
export const GoogleHttpOptionsSchema = v.nullish(v.strictObject({ extraBody: v.optional(v.record(v.string(), v.unknown())) }));

/**
 * `config` of `generateContent` (@google/genai `GenerateContentConfig`,
 * camelCase as that SDK spells it). Strict: an unknown key is an error
 * rather than a silently ignored setting.
 */
export const GoogleGenerateContentConfigSchema = v.strictObject({
  httpOptions: GoogleHttpOptionsSchema,
  serviceTier: optionalString,
  systemInstruction: v.nullish(v.union([v.string(), contentOrPart, v.array(PartSchema)])),
  temperature: optionalNumber,
  topP: optionalNumber,
  topK: optionalNumber,
  candidateCount: optionalInteger,
  maxOutputTokens: optionalInteger,
  stopSequences: optionalStringList,
  responseLogprobs: optionalBoolean,
  logprobs: optionalInteger,
  presencePenalty: optionalNumber,
  frequencyPenalty: optionalNumber,
  seed: optionalInteger,
  responseMimeType: optionalString,
  responseSchema: v.optional(v.unknown()),
  responseJsonSchema: v.optional(v.unknown()),
  routingConfig: optionalObject,
  modelSelectionConfig: optionalObject,
  safetySettings: optionalObjectList,
  tools: v.nullish(v.array(GoogleToolSchema)),
  toolConfig: optionalObject,
  labels: optionalStringRecord,
  cachedContent: optionalString,
  responseModalities: optionalStringList,
  mediaResolution: optionalString,
  speechConfig: v.nullish(v.union([v.string(), anObject])),
  audioTimestamp: optionalBoolean,
  automaticFunctionCalling: optionalObject,
  thinkingConfig: optionalObject,
  audioTranscriptionConfig: optionalObject,
  imageConfig: optionalObject,
  enableEnhancedCivicAnswers: optionalBoolean,
  modelArmorConfig: optionalObject,
  continuationToken: optionalString,
  automaticContinuation: optionalBoolean,
  generationOutputConfig: optionalObject,
  store: optionalBoolean,
});

/** Parameters of `generateContent` (@google/genai `GenerateContentParameters`). */
const GoogleGenerationEntries = {
  model: identifier,
  contents: GoogleContentsSchema,
  config: v.nullish(GoogleGenerateContentConfigSchema),
};

const googleGenerationSchema = asRequestSchema(v.strictObject(GoogleGenerationEntries));

type GoogleGenerationInput = v.InferInput<typeof googleGenerationSchema>;

/** `generateContent` parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type GoogleGenerationParams = { [K in keyof GoogleGenerationInput]: GoogleGenerationInput[K] };

/** `generateContent` parameters on their own. */
export const GoogleGenerationSchema: RequestSchema<GoogleGenerationParams> = googleGenerationSchema;
