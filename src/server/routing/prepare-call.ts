/**
 * Routing: provider + channel + invoke_type → backend + API, and `extra` →
 * validated provider parameters. Every rejection is INVALID_ARGUMENT naming
 * the field.
 */
import { invalidArgument as invalid } from "../grpc/status-errors.js";
import type { ModelRequestItem } from "../../gen/model_service/model_service.js";
import type { Backend, ModelApi, UpstreamOptions } from "../providers/provider.js";
import { PARAMS_PARSERS } from "./api-params.js";

type ParserName = keyof typeof PARAMS_PARSERS;

/** A request that passed routing and validation. */
export interface PreparedCall {
  readonly provider: string;
  readonly channel: string;
  readonly invokeType: string;
  readonly backend: Backend;
  readonly api: ModelApi;
  readonly model: string | undefined;
  readonly params: Record<string, unknown>;
  readonly upstream: UpstreamOptions;
}

// Sentinel for Google's `normal` channel: AI Studio or Vertex AI, whichever is configured.
const GOOGLE_DEFAULT = "google-default";

interface ProviderRoutes {
  readonly channels: Readonly<Record<string, Backend | typeof GOOGLE_DEFAULT>>;
  readonly invokeTypes: Readonly<Record<string, ParserName>>;
}

const OPENAI_INVOKE_TYPES: Readonly<Record<string, ParserName>> = {
  "chat-completions": "openai.chat-completions",
  responses: "openai.responses",
  // The Python client's default invoke type; for OpenAI it has always meant the Responses API.
  generation: "openai.responses",
  "image-generation": "openai.images.generate",
  "image-edit-generation": "openai.images.edit",
};

const ROUTES: Readonly<Record<string, ProviderRoutes>> = {
  openai: { channels: { normal: "openai", openai: "openai" }, invokeTypes: OPENAI_INVOKE_TYPES },
  // The original SDK's Azure example sends channel "openai" (the OpenAI API family).
  azure: { channels: { normal: "azure", openai: "azure" }, invokeTypes: OPENAI_INVOKE_TYPES },
  google: {
    channels: { normal: GOOGLE_DEFAULT, "ai-studio": "google-ai-studio", vertexai: "google-vertex" },
    invokeTypes: {
      generation: "google.generate-content",
      "image-generation": "google.vertex-imagen",
      "image-generation-genai": "google.generate-images",
    },
  },
  anthropic: {
    channels: { normal: "anthropic", anthropic: "anthropic" },
    invokeTypes: { messages: "anthropic.messages", generation: "anthropic.messages" },
  },
};

/** Providers this server routes, for help texts. */
export const ROUTED_PROVIDERS = Object.keys(ROUTES);

/**
 * Routes and validates one request item.
 * @param googleDefault the backend Google's `normal` channel means on this server, per API.
 */
export function prepareCall(item: ModelRequestItem, googleDefault: (api: ModelApi) => Backend): PreparedCall {
  const provider = item.provider;
  // Unset proto3 strings arrive as ""; the wire defaults are "normal" and "generation".
  const channel = item.channel || "normal";
  const invokeType = item.invokeType || "generation";
  const routes = ROUTES[provider];
  if (!routes) {
    throw invalid(
      provider === ""
        ? `provider is required (one of ${ROUTED_PROVIDERS.join(", ")})`
        : `provider "${provider}" is not supported (supported: ${ROUTED_PROVIDERS.join(", ")})`,
    );
  }
  const parserName = routes.invokeTypes[invokeType];
  if (!parserName) {
    throw invalid(
      `invoke_type "${invokeType}" is not supported for provider "${provider}" (supported: ${Object.keys(routes.invokeTypes).join(", ")})`,
    );
  }
  const target = routes.channels[channel];
  if (!target) {
    throw invalid(
      `channel "${channel}" is not supported for provider "${provider}" (supported: ${Object.keys(routes.channels).join(", ")})`,
    );
  }
  const extra = serverLevelParams(item.extra ?? {});
  const { params, upstream } = PARAMS_PARSERS[parserName](extra, `${provider} ${invokeType}`);
  const model = params["model"];
  const api = parserName === "google.vertex-imagen" ? "google.generate-images" : parserName;
  return {
    provider,
    channel,
    invokeType,
    backend: target === GOOGLE_DEFAULT ? googleDefault(api) : target,
    api,
    model: typeof model === "string" ? model : undefined,
    params,
    upstream,
  };
}

// Keys that steer the Model Manager itself, not the provider: `stream` is the
// request's own field; asynchronous tasks are not run by this server.
function serverLevelParams(extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { stream: _stream, enable_async_task, callback_url, ...rest } = extra;
  if (enable_async_task === true) {
    throw invalid("extra.enable_async_task: this server runs no asynchronous tasks; send the request without it");
  }
  if (typeof callback_url === "string" && callback_url !== "") {
    throw invalid("extra.callback_url: this server runs no asynchronous tasks and calls no callbacks");
  }
  return rest;
}
