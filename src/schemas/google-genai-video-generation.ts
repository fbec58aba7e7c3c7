import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { GoogleHttpOptionsSchema } from "./google-generation.js";
import {
  nonEmptyString,
  openObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringRecord,
} from "./fields.js";

/** An image or video input (@google/genai `Image` / `Video`): a URI or base64 bytes with their MIME type. */
const MediaSchema = openObject({
  gcsUri: optionalString,
  uri: optionalString,
  imageBytes: optionalString,
  videoBytes: optionalString,
  mimeType: optionalString,
});

/** `config` of `generateVideos` (@google/genai `GenerateVideosConfig`). */
export const GoogleGenerateVideosConfigSchema = v.strictObject({
  httpOptions: GoogleHttpOptionsSchema,
  numberOfVideos: optionalInteger,
  outputGcsUri: optionalString,
  fps: optionalInteger,
  durationSeconds: optionalNumber,
  seed: optionalInteger,
  aspectRatio: optionalString,
  resolution: optionalString,
  personGeneration: optionalString,
  pubsubTopic: optionalString,
  negativePrompt: optionalString,
  enhancePrompt: optionalBoolean,
  generateAudio: optionalBoolean,
  lastFrame: v.nullish(MediaSchema),
  referenceImages: optionalObjectList,
  mask: optionalObject,
  compressionQuality: v.nullish(v.picklist(["OPTIMIZED", "LOSSLESS"])),
  labels: optionalStringRecord,
  webhookConfig: optionalObject,
});

/** Parameters of `generateVideos` (@google/genai `GenerateVideosParameters`). */
const GoogleGenAIVideoGenerationEntries = {
  model: nonEmptyString,
  prompt: optionalString,
  image: v.nullish(MediaSchema),
  video: v.nullish(MediaSchema),
  source: v.nullish(openObject({ prompt: optionalString, image: v.nullish(MediaSchema), video: v.nullish(MediaSchema) })),
  config: v.nullish(GoogleGenerateVideosConfigSchema),
};

const googleGenAIVideoGenerationSchema = asRequestSchema(v.strictObject(GoogleGenAIVideoGenerationEntries));

type GoogleGenAIVideoGenerationInput = v.InferInput<typeof googleGenAIVideoGenerationSchema>;

/** `generateVideos` parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type GoogleGenAIVideoGenerationParams = { [K in keyof GoogleGenAIVideoGenerationInput]: GoogleGenAIVideoGenerationInput[K] };

/** `generateVideos` parameters on their own. */
export const GoogleGenAIVideoGenerationSchema: RequestSchema<GoogleGenAIVideoGenerationParams> = googleGenAIVideoGenerationSchema;
