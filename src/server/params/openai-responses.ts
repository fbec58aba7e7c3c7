// Server checks of OpenAI / Azure Responses parameters.
import * as v from "valibot";
import { modelName, optionalPositiveInt, sdkParams } from "./parse-params.js";

const responses = v.looseObject({
  model: modelName,
  input: v.union([v.string(), v.array(v.unknown())], "expected a string or a list of input items"),
  max_output_tokens: optionalPositiveInt,
});

/** `openai.responses` */
export const openAIResponsesParams = sdkParams(responses);
