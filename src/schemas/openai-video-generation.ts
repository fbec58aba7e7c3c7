import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { BinaryInputSchema } from "./binary-input.js";
import { nonEmptyString, optionalOneOf, optionalString, sdkRequestOptionEntries } from "./fields.js";

/** A reference image given by id or URL (openai-node `ImageInputReferenceParam`). */
const ImageInputReferenceSchema = v.strictObject({
  file_id: v.optional(nonEmptyString),
  image_url: v.optional(nonEmptyString),
});

/** Parameters of `videos.create` (openai-node `VideoCreateParams`). */
const OpenAIVideoGenerationEntries = {
  prompt: nonEmptyString,
  model: optionalString,
  seconds: optionalOneOf(["4", "8", "12"]),
  size: optionalOneOf(["720x1280", "1280x720", "1024x1792", "1792x1024"]),
  input_reference: v.nullish(v.union([BinaryInputSchema, ImageInputReferenceSchema])),
  ...sdkRequestOptionEntries,
};

const openAIVideoGenerationSchema = asRequestSchema(v.strictObject(OpenAIVideoGenerationEntries));

type OpenAIVideoGenerationInput = v.InferInput<typeof openAIVideoGenerationSchema>;

/** `videos.create` parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type OpenAIVideoGenerationParams = { [K in keyof OpenAIVideoGenerationInput]: OpenAIVideoGenerationInput[K] };

/** `videos.create` parameters on their own. */
export const OpenAIVideoGenerationSchema: RequestSchema<OpenAIVideoGenerationParams> = openAIVideoGenerationSchema;
