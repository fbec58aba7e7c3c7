import * as v from "valibot";
import { BinaryInputSchema } from "./binary-input.js";
import { nonEmptyString, optionalOneOf, optionalString, sdkRequestOptionEntries } from "./fields.js";

/** A reference image given by id or URL (openai-node `ImageInputReferenceParam`). */
const ImageInputReferenceSchema = v.strictObject({
  file_id: v.optional(nonEmptyString),
  image_url: v.optional(nonEmptyString),
});

/** Parameters of `videos.create` (openai-node `VideoCreateParams`). */
export const OpenAIVideoGenerationEntries = {
  prompt: nonEmptyString,
  model: optionalString,
  seconds: optionalOneOf(["4", "8", "12"]),
  size: optionalOneOf(["720x1280", "1280x720", "1024x1792", "1792x1024"]),
  input_reference: v.nullish(v.union([BinaryInputSchema, ImageInputReferenceSchema])),
  ...sdkRequestOptionEntries,
};

/** `videos.create` parameters on their own. */
export const OpenAIVideoGenerationSchema = v.strictObject(OpenAIVideoGenerationEntries);
