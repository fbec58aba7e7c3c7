import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { BinaryInputSchema } from "./binary-input.js";
import { optionalOneOf } from "./fields.js";
import { OpenAIImageCommonEntries } from "./openai-image-generation.js";

/** Parameters of image edit (openai-node `ImageEditParams`). */
const OpenAIImageEditEntries = {
  ...OpenAIImageCommonEntries,
  image: v.union([BinaryInputSchema, v.pipe(v.array(BinaryInputSchema), v.minLength(1, "needs at least one image"))]),
  mask: v.nullish(BinaryInputSchema),
  input_fidelity: optionalOneOf(["high", "low"]),
};

const openAIImageEditSchema = asRequestSchema(v.strictObject(OpenAIImageEditEntries));

type OpenAIImageEditInput = v.InferInput<typeof openAIImageEditSchema>;

/** Image edit parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type OpenAIImageEditParams = { [K in keyof OpenAIImageEditInput]: OpenAIImageEditInput[K] };

/** Image edit parameters on their own. */
export const OpenAIImageEditSchema: RequestSchema<OpenAIImageEditParams> = openAIImageEditSchema;
