import * as v from "valibot";
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
export const GoogleGenAIImageGenerationEntries = {
  model: identifier,
  prompt: nonEmptyString,
  config: v.nullish(GoogleGenerateImagesConfigSchema),
};

/** `generateImages` parameters on their own. */
export const GoogleGenAIImageGenerationSchema = v.strictObject(GoogleGenAIImageGenerationEntries);
