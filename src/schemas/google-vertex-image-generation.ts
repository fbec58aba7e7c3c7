import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import {
  identifier,
  nonEmptyString,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalOneOf,
  optionalString,
} from "./fields.js";

/**
 * Parameters of Vertex AI Imagen (`google` + `image-generation`), with the
 * field names of the Python SDK's `GoogleVertexAIImagesInput`, which existing
 * Model Manager servers read.
 */
const GoogleVertexImageGenerationEntries = {
  model: identifier,
  prompt: nonEmptyString,
  negative_prompt: optionalString,
  number_of_images: optionalInteger,
  aspect_ratio: optionalOneOf(["1:1", "9:16", "16:9", "4:3", "3:4"]),
  guidance_scale: optionalNumber,
  language: optionalString,
  seed: optionalInteger,
  output_gcs_uri: optionalString,
  add_watermark: optionalBoolean,
  safety_filter_level: optionalOneOf(["block_most", "block_some", "block_few", "block_fewest"]),
  person_generation: optionalOneOf(["dont_allow", "allow_adult", "allow_all"]),
};

const googleVertexImageGenerationSchema = asRequestSchema(v.strictObject(GoogleVertexImageGenerationEntries));

type GoogleVertexImageGenerationInput = v.InferInput<typeof googleVertexImageGenerationSchema>;

/** Vertex AI Imagen parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type GoogleVertexImageGenerationParams = { [K in keyof GoogleVertexImageGenerationInput]: GoogleVertexImageGenerationInput[K] };

/** Vertex AI Imagen parameters on their own. */
export const GoogleVertexImageGenerationSchema: RequestSchema<GoogleVertexImageGenerationParams> = googleVertexImageGenerationSchema;
