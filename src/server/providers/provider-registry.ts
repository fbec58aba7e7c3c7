/**
 * Which provider module answers each backend: the offline one for all of them
 * (forced, or no credentials at all), else the SDK module of every configured
 * backend. A request for an unconfigured backend is FAILED_PRECONDITION naming
 * what to set — never a silent offline answer.
 */
import { type AnthropicSettings, BACKEND_REQUIREMENTS, type OpenAISettings } from "../config/backend-settings.js";
import type { ServerConfig } from "../config/server-config.js";
import type { ServerLogger } from "../logging/logger.js";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { ProviderSetupError } from "./provider-setup-error.js";
import { createGoogleProvider } from "./google-provider.js";
import type { ImportModule } from "./load-sdk.js";
import { createOfflineProvider } from "./offline/offline-provider.js";
import { createOpenAIProvider } from "./openai-provider.js";
import { BACKENDS, type Backend, type ModelApi, type ModelProvider, OFFLINE_ONLY_BACKENDS, type OfflineOnlyBackend } from "./provider.js";

export interface ProviderRegistry {
  /**
   * Backend that Google's `normal` channel means here for an API: AI Studio
   * unless only Vertex AI is configured — except image generation, which
   * @google/genai serves on Vertex AI only, so it prefers Vertex AI.
   */
  googleDefault(api: ModelApi): Backend;
  /** Backends that have a provider (all of them when offline). */
  readonly available: readonly Backend[];
  /** The provider of a backend; FAILED_PRECONDITION when it is not configured. */
  providerFor(backend: Backend): ModelProvider;
}

export interface ProviderRegistryDeps {
  readonly importModule: ImportModule;
  readonly overrides: Partial<Record<Backend, ModelProvider>>;
  readonly googleAuthOptions: Readonly<Record<string, unknown>> | undefined;
  readonly logger: ServerLogger;
}

export function createProviderRegistry(config: ServerConfig, deps: ProviderRegistryDeps): ProviderRegistry {
  const providers = new Map<Backend, ModelProvider>();
  if (config.offline) {
    const offline = createOfflineProvider({ chunkDelayMs: config.offlineChunkDelayMs, videoDelayMs: config.offlineTaskDelayMs });
    for (const backend of BACKENDS) providers.set(backend, offline);
  } else {
    const sdk = { importModule: deps.importModule, maxRetries: config.providerMaxRetries, logger: deps.logger };
    const { backends } = config;
    if (backends.openai) providers.set("openai", createOpenAIProvider({ ...sdk, backend: "openai", settings: backends.openai }));
    if (backends.azure) providers.set("azure", createOpenAIProvider({ ...sdk, backend: "azure", settings: backends.azure }));
    const studio = backends["google-ai-studio"];
    if (studio) providers.set("google-ai-studio", createGoogleProvider({ ...sdk, backend: "google-ai-studio", settings: studio }));
    const vertex = backends["google-vertex"];
    if (vertex) {
      providers.set(
        "google-vertex",
        createGoogleProvider({ ...sdk, backend: "google-vertex", settings: vertex, googleAuthOptions: deps.googleAuthOptions }),
      );
    }
    if (backends.anthropic) {
      providers.set("anthropic", createAnthropicProvider({ ...sdk, settings: backends.anthropic }));
      providers.set("anthropic-openai", createOpenAIProvider({ ...sdk, backend: "openai", settings: anthropicOpenAISettings(backends.anthropic) }));
    }
    for (const [backend, provider] of Object.entries(deps.overrides) as Array<[Backend, ModelProvider]>) {
      providers.set(backend, provider);
    }
  }
  const studioFirst: Backend = !providers.has("google-ai-studio") && providers.has("google-vertex") ? "google-vertex" : "google-ai-studio";
  const vertexFirst: Backend = providers.has("google-vertex") || !providers.has("google-ai-studio") ? "google-vertex" : "google-ai-studio";
  return {
    googleDefault: (api) => (api === "google.generate-images" ? vertexFirst : studioFirst),
    available: BACKENDS.filter((backend) => providers.has(backend)),
    providerFor(backend) {
      const provider = providers.get(backend);
      if (provider) return provider;
      if (isOfflineOnly(backend)) {
        throw new ProviderSetupError(
          `the ${backend} backend has no provider in this reference server (it calls official TypeScript SDKs only, and ${backend} has none): only its offline mode answers it (TAMAR_MODEL_SERVER_OFFLINE=true); send ${backend} calls to a Model Manager that routes them`,
        );
      }
      throw new ProviderSetupError(`the ${backend} backend is not configured on this server: set ${BACKEND_REQUIREMENTS[backend]}`);
    },
  };
}

const isOfflineOnly = (backend: Backend): backend is OfflineOnlyBackend => (OFFLINE_ONLY_BACKENDS as readonly string[]).includes(backend);

// Anthropic's OpenAI SDK compatibility endpoint: `<base>/v1/chat/completions`
// with the Anthropic key as the bearer token.
function anthropicOpenAISettings(settings: AnthropicSettings): OpenAISettings {
  const base = (settings.baseURL ?? "https://api.anthropic.com").replace(/\/+$/, "");
  return { apiKey: (settings.apiKey ?? settings.authToken)!, baseURL: `${base}/v1`, organization: undefined, project: undefined };
}
