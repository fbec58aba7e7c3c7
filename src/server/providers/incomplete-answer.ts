import type { Backend } from "./provider.js";

/**
 * A provider's answer ended without its terminal event (OpenAI chat's
 * `finish_reason`, Responses' `response.completed`, Gemini's `finishReason`,
 * Anthropic's `message_stop`): what arrived may be cut short, so it is a
 * failure, never passed off as the whole answer.
 */
export class IncompleteAnswerError extends Error {
  override name = "IncompleteAnswerError";
  constructor(backend: Backend, missing: string) {
    super(`the ${backend} answer is incomplete: it ended without ${missing}`);
  }
}
