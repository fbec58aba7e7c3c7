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
  optionalString,
  optionalStringList,
  optionalStringRecord,
} from "./fields.js";

const PartSchema = v.union([v.string(), anObject]);

const ContentSchema = openObject({
  role: v.optional(v.string()),
  parts: v.optional(v.array(PartSchema)),
});

/**
 * `contents` as @google/genai accepts it: a string, a `Content`
 * (`{ role, parts }`), a part, or a non-empty list of them.
 */
export const GoogleContentsSchema = v.union([
  nonEmptyString,
  ContentSchema,
  v.pipe(v.array(v.union([v.string(), ContentSchema])), v.minLength(1, "needs at least one content")),
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
  systemInstruction: v.nullish(v.union([v.string(), anObject, v.array(PartSchema)])),
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
  tools: optionalObjectList,
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
export const GoogleGenerationEntries = {
  model: identifier,
  contents: GoogleContentsSchema,
  config: v.nullish(GoogleGenerateContentConfigSchema),
};

/** `generateContent` parameters on their own. */
export const GoogleGenerationSchema = v.strictObject(GoogleGenerationEntries);
