// Server checks of Google generateVideos parameters.
import * as v from "valibot";
import { googleHttpOptions, googleParams, modelName, optionalPositiveInt } from "./parse-params.js";

const generateVideos = v.object({
  model: modelName,
  prompt: v.optional(v.string()),
  image: v.optional(v.looseObject({})),
  video: v.optional(v.looseObject({})),
  source: v.optional(v.looseObject({})),
  config: v.optional(v.looseObject({ numberOfVideos: optionalPositiveInt, httpOptions: googleHttpOptions })),
});

/** `google.generate-videos` */
export const googleGenerateVideosParams = googleParams(generateVideos, "Google generateVideos", "video settings belong in extra.config");
