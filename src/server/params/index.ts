/**
 * The server's checks of `extra`, one module per provider API: the parameters
 * each API requires and the few the server itself reads (token limits, image
 * counts, files). Anything else goes to the provider as sent; the provider
 * judges it. Keys are the `params` names of the route table.
 */
import type { ModelApi } from "../providers/provider.js";
import { anthropicMessagesParams } from "./anthropic-messages.js";
import { googleGenerateContentParams } from "./google-generate-content.js";
import { googleGenerateImagesParams, googleVertexImagenParams } from "./google-generate-images.js";
import { googleGenerateVideosParams } from "./google-generate-videos.js";
import { openAIChatCompletionsParams } from "./openai-chat-completions.js";
import { openAIImagesEditParams } from "./openai-images-edit.js";
import { openAIImagesGenerateParams } from "./openai-images-generate.js";
import { openAIResponsesParams } from "./openai-responses.js";
import { openAIVideosParams } from "./openai-videos.js";
import type { ParamsParser } from "./parse-params.js";

export type { ParamsParser, ParsedParams } from "./parse-params.js";

/** Parsers by API, plus the Python client's flat Vertex AI Imagen input. */
export const PARAMS_PARSERS = {
  "openai.chat-completions": openAIChatCompletionsParams,
  "openai.responses": openAIResponsesParams,
  "openai.images.generate": openAIImagesGenerateParams,
  "openai.images.edit": openAIImagesEditParams,
  "openai.videos": openAIVideosParams,
  "anthropic.messages": anthropicMessagesParams,
  "google.generate-content": googleGenerateContentParams,
  "google.generate-images": googleGenerateImagesParams,
  "google.generate-videos": googleGenerateVideosParams,
  "google.vertex-imagen": googleVertexImagenParams,
} satisfies Record<ModelApi | "google.vertex-imagen", ParamsParser>;
