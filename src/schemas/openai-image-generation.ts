import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import {
  nonEmptyString,
  optionalInteger,
  optionalOneOf,
  optionalString,
  sdkRequestOptionEntries,
} from "./fields.js";

/** Image sizes: `auto` or `<width>x<height>` (gpt-image-1 and DALL·E sizes). */
export const ImageSizeSchema = v.nullish(v.pipe(v.string(), v.regex(/^(auto|\d+x\d+)$/, 'must be "auto" or "<width>x<height>"')));

/** Fields shared by image generation and image edit. */
export const OpenAIImageCommonEntries = {
  prompt: nonEmptyString,
  model: optionalString,
  background: optionalOneOf(["transparent", "opaque", "auto"]),
  n: optionalInteger,
  output_compression: optionalInteger,
  output_format: optionalOneOf(["png", "jpeg", "webp"]),
  partial_images: optionalInteger,
  // The union of every model's values: DALL·E (standard, hd) and gpt-image-1
  // (low, medium, high, auto).
  quality: optionalOneOf(["standard", "hd", "low", "medium", "high", "auto"]),
  response_format: optionalOneOf(["url", "b64_json"]),
  size: ImageSizeSchema,
  user: optionalString,
  ...sdkRequestOptionEntries,
};

/** Parameters of image generation (openai-node `ImageGenerateParams`). */
const OpenAIImageGenerationEntries = {
  ...OpenAIImageCommonEntries,
  moderation: optionalOneOf(["low", "auto"]),
  style: optionalOneOf(["vivid", "natural"]),
};

const openAIImageGenerationSchema = asRequestSchema(v.strictObject(OpenAIImageGenerationEntries));

type OpenAIImageGenerationInput = v.InferInput<typeof openAIImageGenerationSchema>;

/** Image generation parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type OpenAIImageGenerationParams = { [K in keyof OpenAIImageGenerationInput]: OpenAIImageGenerationInput[K] };

/** Image generation parameters on their own. */
export const OpenAIImageGenerationSchema: RequestSchema<OpenAIImageGenerationParams> = openAIImageGenerationSchema;
