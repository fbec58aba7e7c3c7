/**
 * The server's checks of `extra`, one module per provider API: the parameters
 * each API requires and the few the server itself reads (token limits, image
 * counts, files). Anything else goes to the provider as sent; the provider
 * judges it. Keys are the `params` names of the route table.
 */
import type { ModelApi } from "../providers/provider.js";
import { anthropicMessagesParams } from "./anthropic-messages.js";
import { bflFluxParams } from "./bfl-flux.js";
import { bytePlusVideoGenerationParams } from "./byteplus-video-generation.js";
import {
  falKlingVideoParams,
  falQwenImageEditMultiAngleParams,
  falQwenImageEditParams,
  falQwenImageLayeredParams,
  falSam3ImageParams,
  falSam3VideoParams,
  falWanVideoReplaceParams,
  falZImageParams,
} from "./fal-ai.js";
import { freepikImageUpscalerParams } from "./freepik-image-upscaler.js";
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
  "freepik.image-upscaler": freepikImageUpscalerParams,
  "bfl.flux": bflFluxParams,
  "byteplus.video-generation": bytePlusVideoGenerationParams,
  "fal.z-image": falZImageParams,
  "fal.sam-3-image": falSam3ImageParams,
  "fal.sam-3-video": falSam3VideoParams,
  "fal.qwen-image-edit": falQwenImageEditParams,
  "fal.qwen-image-edit-multi-angle": falQwenImageEditMultiAngleParams,
  "fal.qwen-image-layered": falQwenImageLayeredParams,
  "fal.wan-video-replace": falWanVideoReplaceParams,
  "fal.kling-video": falKlingVideoParams,
} satisfies Record<ModelApi | "google.vertex-imagen", ParamsParser>;
