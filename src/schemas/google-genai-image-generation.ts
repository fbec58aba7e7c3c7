import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { GoogleHttpOptionsSchema } from "./google-generation.js";
import {
  identifier,
  nonEmptyString,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  optionalStringRecord,
} from "./fields.js";

/** `config` of `generateImages` (@google/genai `GenerateImagesConfig`). */
export const GoogleGenerateImagesConfigSchema = v.strictObject({
  httpOptions: GoogleHttpOptionsSchema,
  outputGcsUri: optionalString,
  negativePrompt: optionalString,
  numberOfImages: optionalInteger,
  aspectRatio: optionalString,
  guidanceScale: optionalNumber,
  seed: optionalInteger,
  safetyFilterLevel: optionalString,
  personGeneration: optionalString,
  includeSafetyAttributes: optionalBoolean,
  includeRaiReason: optionalBoolean,
  language: optionalString,
  outputMimeType: optionalString,
  outputCompressionQuality: optionalInteger,
  addWatermark: optionalBoolean,
  labels: optionalStringRecord,
  imageSize: optionalString,
  enhancePrompt: optionalBoolean,
});

/** Parameters of `generateImages` (@google/genai `GenerateImagesParameters`). */
const GoogleGenAIImageGenerationEntries = {
  model: identifier,
  prompt: nonEmptyString,
  config: v.nullish(GoogleGenerateImagesConfigSchema),
};

const googleGenAIImageGenerationSchema = asRequestSchema(v.strictObject(GoogleGenAIImageGenerationEntries));

type GoogleGenAIImageGenerationInput = v.InferInput<typeof googleGenAIImageGenerationSchema>;

/** `generateImages` parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type GoogleGenAIImageGenerationParams = { [K in keyof GoogleGenAIImageGenerationInput]: GoogleGenAIImageGenerationInput[K] };

/** `generateImages` parameters on their own. */
export const GoogleGenAIImageGenerationSchema: RequestSchema<GoogleGenAIImageGenerationParams> = googleGenAIImageGenerationSchema;
