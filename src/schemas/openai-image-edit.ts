import * as v from "valibot";
import { BinaryInputSchema } from "./binary-input.js";
import { optionalOneOf } from "./fields.js";
import { OpenAIImageCommonEntries } from "./openai-image-generation.js";

/** Parameters of image edit (openai-node `ImageEditParams`). */
export const OpenAIImageEditEntries = {
  ...OpenAIImageCommonEntries,
  image: v.union([BinaryInputSchema, v.pipe(v.array(BinaryInputSchema), v.minLength(1, "needs at least one image"))]),
  mask: v.nullish(BinaryInputSchema),
  input_fidelity: optionalOneOf(["high", "low"]),
};

/** Image edit parameters on their own. */
export const OpenAIImageEditSchema = v.strictObject(OpenAIImageEditEntries);
