/**
 * Routing: provider + channel + invoke_type → backend + API, and `extra` →
 * validated provider parameters. Every rejection is INVALID_ARGUMENT naming
 * the field.
 */
import { quoted } from "../../internal/bounded-text.js";
import { failedPrecondition, invalidArgument as invalid } from "../grpc/status-errors.js";
import type { ModelRequestItem } from "../../gen/model_service/model_service.js";
import { type Backend, type ModelApi, type UpstreamOptions, VIDEO_APIS } from "../providers/provider.js";
import { type ChannelOf, PAIRS, PROVIDERS, type ProviderName } from "../../routes/route-table.js";
import { PARAMS_PARSERS } from "../params/index.js";

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
  /** Set when the request asks for an asynchronous task (`extra.enable_async_task`), or is a video one. */
  readonly task: { readonly callbackUrl: string | undefined } | undefined;
}

// Sentinel for Google's `normal` channel: AI Studio or Vertex AI, whichever is configured.
const GOOGLE_DEFAULT = "google-default";

// The backend behind each channel of each provider of the route table; a
// channel added there without its backend here fails to compile.
const BACKENDS: { readonly [P in ProviderName]: { readonly [C in ChannelOf<P>]: Backend | typeof GOOGLE_DEFAULT } } = {
  openai: { normal: "openai", openai: "openai" },
  azure: { normal: "azure", openai: "azure" },
  google: { normal: GOOGLE_DEFAULT, "ai-studio": "google-ai-studio", vertexai: "google-vertex" },
  anthropic: { normal: "anthropic", anthropic: "anthropic" },
  freepik: { normal: "freepik" },
  byteplus: { normal: "byteplus", omnihuman: "byteplus", seedance: "byteplus" },
  doubao: { normal: "doubao", omnihuman: "doubao", seedance: "doubao" },
  "fal-ai": { normal: "fal-ai" },
  bfl: { normal: "bfl" },
  xfusionai: { normal: "xfusionai" },
  tuzi: { normal: "tuzi" },
  "kling-ai": { normal: "kling-ai" },
};

// A provider's API that another backend serves, or that no backend serves:
// the route table lets Anthropic take OpenAI-shaped requests as the Python
// SDK 0.5 does; this server sends chat completions to Anthropic's
// OpenAI-compatible endpoint and refuses Responses, which Anthropic lacks.
const API_BACKENDS: Partial<Record<Backend, Partial<Record<ModelApi, Backend | { readonly refused: string }>>>> = {
  anthropic: {
    "openai.chat-completions": "anthropic-openai",
    "openai.responses": {
      refused:
        "anthropic responses: Anthropic has no Responses API (its OpenAI-compatible endpoint serves chat completions only) and this server does not translate between APIs: use invokeType messages or chat-completions, or a Model Manager that routes it",
    },
  },
};

interface ProviderRoutes {
  readonly channels: Readonly<Record<string, Backend | typeof GOOGLE_DEFAULT>>;
  readonly invokeTypes: Readonly<Record<string, ParserName>>;
}

// The route table turned around: provider → channel → backend, and provider →
// invoke type (aliases included) → parameter check.
const ROUTES: Readonly<Record<string, ProviderRoutes>> = Object.fromEntries(
  (Object.keys(PROVIDERS) as ProviderName[]).map((provider) => {
    const invokeTypes: Record<string, ParserName> = {};
    for (const route of Object.values(PAIRS)) {
      if (!(route.providers as readonly string[]).includes(provider)) continue;
      for (const invokeType of [route.invokeType, ...route.aliases]) invokeTypes[invokeType] = route.params;
    }
    return [provider, { channels: BACKENDS[provider], invokeTypes }];
  }),
);

/** The parameter check the server runs for (provider, invokeType); `undefined`: not routed. */
export function routeOf(provider: string, invokeType: string): ParserName | undefined {
  const routes = Object.hasOwn(ROUTES, provider) ? ROUTES[provider]! : undefined;
  return routes && Object.hasOwn(routes.invokeTypes, invokeType) ? routes.invokeTypes[invokeType] : undefined;
}

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
  const routes = Object.hasOwn(ROUTES, provider) ? ROUTES[provider] : undefined;
  if (!routes) {
    throw invalid(
      provider === ""
        ? `provider is required (one of ${ROUTED_PROVIDERS.join(", ")})`
        : `provider ${quoted(provider)} is not supported (supported: ${ROUTED_PROVIDERS.join(", ")})`,
    );
  }
  // Own keys only: "constructor" or "__proto__" is no route.
  const parserName = Object.hasOwn(routes.invokeTypes, invokeType) ? routes.invokeTypes[invokeType] : undefined;
  if (!parserName) {
    const supported = Object.keys(routes.invokeTypes);
    throw invalid(
      supported.length === 0
        ? `invoke_type ${quoted(invokeType)} is not supported for provider ${quoted(provider)}: this server routes no invoke type of it (the Python SDK 0.5 had none either)`
        : `invoke_type ${quoted(invokeType)} is not supported for provider ${quoted(provider)} (supported: ${supported.join(", ")})`,
    );
  }
  const target = Object.hasOwn(routes.channels, channel) ? routes.channels[channel] : undefined;
  if (!target) {
    throw invalid(
      `channel ${quoted(channel)} is not supported for provider ${quoted(provider)} (supported: ${Object.keys(routes.channels).join(", ")})`,
    );
  }
  const { params: extra, enableAsyncTask, callbackUrl } = serverLevelParams(item.extra ?? {});
  const { params, upstream } = PARAMS_PARSERS[parserName](extra, `${provider} ${invokeType}`);
  const model = params["model"];
  const api = parserName === "google.vertex-imagen" ? "google.generate-images" : parserName;
  const isTask = enableAsyncTask || VIDEO_APIS.has(api);
  if (callbackUrl !== undefined && !isTask) {
    throw invalid("extra.callback_url: a callback comes with an asynchronous task: send enable_async_task: true with it");
  }
  if (isTask && item.stream) {
    throw invalid(`stream: an asynchronous task${enableAsyncTask ? "" : ` (${invokeType} always is one)`} answers with its task id, not a stream`);
  }
  const channelBackend = target === GOOGLE_DEFAULT ? googleDefault(api) : target;
  const apiBackend = API_BACKENDS[channelBackend]?.[api];
  if (typeof apiBackend === "object") throw failedPrecondition(apiBackend.refused);
  return {
    provider,
    channel,
    invokeType,
    backend: apiBackend ?? channelBackend,
    api,
    model: typeof model === "string" ? model : undefined,
    params,
    upstream,
    task: isTask ? { callbackUrl } : undefined,
  };
}

// Keys that steer the Model Manager itself, not the provider: `stream` is the
// request's own field; `enable_async_task` / `callback_url` make it a task.
function serverLevelParams(extra: Readonly<Record<string, unknown>>): {
  params: Record<string, unknown>;
  enableAsyncTask: boolean;
  callbackUrl: string | undefined;
} {
  const { stream: _stream, enable_async_task, callback_url, ...params } = extra;
  if (enable_async_task !== undefined && enable_async_task !== null && typeof enable_async_task !== "boolean") {
    throw invalid("extra.enable_async_task: must be true or false");
  }
  if (callback_url !== undefined && callback_url !== null && typeof callback_url !== "string") {
    throw invalid("extra.callback_url: must be a URL string");
  }
  return {
    params,
    enableAsyncTask: enable_async_task === true,
    callbackUrl: typeof callback_url === "string" && callback_url !== "" ? callback_url : undefined,
  };
}
