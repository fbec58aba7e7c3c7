// Server checks of Google generateContent parameters.
import * as v from "valibot";
import { googleHttpOptions, googleParams, modelName, optionalPositiveInt } from "./parse-params.js";

const generateContent = v.object({
  model: modelName,
  contents: v.union([v.string(), v.array(v.unknown()), v.looseObject({})], "expected a string, a Content or a list of them"),
  config: v.optional(v.looseObject({ maxOutputTokens: optionalPositiveInt, httpOptions: googleHttpOptions })),
});

/** `google.generate-content` */
export const googleGenerateContentParams = googleParams(generateContent, "Google generateContent", "generation settings such as temperature belong in extra.config");
