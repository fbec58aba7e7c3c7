// Server checks of OpenAI / Azure image generation parameters.
import * as v from "valibot";
import { modelName, optionalPositiveInt, sdkParams } from "./parse-params.js";

const imagesGenerate = v.looseObject({
  prompt: v.string(),
  model: v.optional(modelName),
  n: optionalPositiveInt,
  response_format: v.optional(v.nullable(v.picklist(["url", "b64_json"]))),
});

/** `openai.images.generate` */
export const openAIImagesGenerateParams = sdkParams(imagesGenerate);
