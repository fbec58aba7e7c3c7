// Server checks of OpenAI / Azure Chat Completions parameters.
import * as v from "valibot";
import { optionalPositiveInt, modelName, sdkParams, turns } from "./parse-params.js";

const chatCompletions = v.looseObject({
  model: modelName,
  messages: turns,
  max_tokens: optionalPositiveInt,
  max_completion_tokens: optionalPositiveInt,
  n: optionalPositiveInt,
  stream_options: v.optional(v.nullable(v.looseObject({}))),
});

/** `openai.chat-completions` */
export const openAIChatCompletionsParams = sdkParams(chatCompletions);
