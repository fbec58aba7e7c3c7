// Server checks of OpenAI / Azure video creation parameters.
import * as v from "valibot";
import { binaryFileSchema } from "./binary-input.js";
import { modelName, sdkParams } from "./parse-params.js";

const videosCreate = v.looseObject({
  prompt: v.pipe(v.string(), v.nonEmpty("must not be empty")),
  model: v.optional(modelName),
  seconds: v.optional(v.nullable(v.string())),
  size: v.optional(v.nullable(v.string())),
  input_reference: v.optional(
    v.nullable(v.union([binaryFileSchema, v.looseObject({ file_id: v.optional(v.string()), image_url: v.optional(v.string()) })])),
  ),
});

/** `openai.videos` */
export const openAIVideosParams = sdkParams(videosCreate);
