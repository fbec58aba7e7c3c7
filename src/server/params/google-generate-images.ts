// Server checks of Google generateImages parameters, and the Python client's flat Vertex AI Imagen input.
import * as v from "valibot";
import { toGoogleCase } from "./google-case.js";
import { googleHttpOptions, googleParams, modelName, optionalPositiveInt, type ParamsParser, parseWith } from "./parse-params.js";

const generateImages = v.object({
  model: modelName,
  prompt: v.string(),
  config: v.optional(v.looseObject({ numberOfImages: optionalPositiveInt, httpOptions: googleHttpOptions })),
});

/** `google.generate-images` */
export const googleGenerateImagesParams = googleParams(generateImages, "Google generateImages", "image settings belong in extra.config");

/** `google.vertex-imagen`: GoogleVertexAIImagesInput, every setting at the top level, snake_case; calls generateImages. */
export const googleVertexImagenParams: ParamsParser = (extra, context) => {
  const { model, prompt, config, ...settings } = extra;
  const flattened = { ...(toGoogleCase(settings) as object), ...(toGoogleCase(config ?? {}) as object) };
  return parseWith(generateImages, { model, prompt, config: flattened }, context);
};
