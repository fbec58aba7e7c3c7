// Server checks of Anthropic Messages parameters.
import * as v from "valibot";
import { modelName, positiveInt, sdkParams, turns } from "./parse-params.js";

const anthropicMessages = v.looseObject({
  model: modelName,
  messages: turns,
  max_tokens: positiveInt,
});

/** `anthropic.messages` */
export const anthropicMessagesParams = sdkParams(anthropicMessages);
