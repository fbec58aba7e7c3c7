// Server checks of OpenAI / Azure image edit parameters: binary inputs decoded.
import * as v from "valibot";
import { binaryFileSchema, binaryFilesSchema } from "./binary-input.js";
import { modelName, optionalPositiveInt, refusingFileReferences, sdkParams } from "./parse-params.js";

const imagesEdit = v.looseObject({
  prompt: v.string(),
  image: binaryFilesSchema,
  mask: v.optional(binaryFileSchema),
  model: v.optional(modelName),
  n: optionalPositiveInt,
  response_format: v.optional(v.nullable(v.picklist(["url", "b64_json"]))),
});

/** `openai.images.edit` */
export const openAIImagesEditParams = refusingFileReferences(["image", "mask"], sdkParams(imagesEdit));
