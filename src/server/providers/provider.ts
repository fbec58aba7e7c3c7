/**
 * The one interface every provider module implements: a normalised request in,
 * an async iterable of chunks out, stopped by an AbortSignal.
 */

/**
 * Upstream services a request can be routed to. `anthropic-openai` is
 * Anthropic's OpenAI-compatible endpoint (its chat completions), called with
 * the anthropic backend's settings.
 */
export type Backend = SdkBackend | OfflineOnlyBackend;

/** Backends the server calls through an official SDK when they are configured. */
export type SdkBackend = "openai" | "azure" | "google-ai-studio" | "google-vertex" | "anthropic" | "anthropic-openai";

/**
 * Providers of the Model Manager this reference server has no official
 * TypeScript SDK for: only its offline provider answers them, and with
 * provider credentials configured a call is FAILED_PRECONDITION naming the
 * backend, never a silent offline answer.
 */
export type OfflineOnlyBackend = "freepik" | "byteplus" | "doubao" | "fal-ai" | "bfl" | "xfusionai" | "tuzi" | "kling-ai";

/** Every SDK backend, in the order the server describes them. */
export const SDK_BACKENDS: readonly SdkBackend[] = ["openai", "azure", "google-ai-studio", "google-vertex", "anthropic", "anthropic-openai"];

/** Every offline-only backend. */
export const OFFLINE_ONLY_BACKENDS: readonly OfflineOnlyBackend[] = ["freepik", "byteplus", "doubao", "fal-ai", "bfl", "xfusionai", "tuzi", "kling-ai"];

/** Every backend, in the order the server describes them. */
export const BACKENDS: readonly Backend[] = [...SDK_BACKENDS, ...OFFLINE_ONLY_BACKENDS];

/** Provider APIs the server calls; each (provider, invoke type) route maps to one. */
export type ModelApi =
  | "openai.chat-completions"
  | "openai.responses"
  | "openai.images.generate"
  | "openai.images.edit"
  | "openai.videos"
  | "google.generate-content"
  | "google.generate-images"
  | "google.generate-videos"
  | "anthropic.messages"
  | ImageOnlyApi
  | VideoOnlyApi;

/** Image APIs of the offline-only backends. */
export type ImageOnlyApi =
  | "freepik.image-upscaler"
  | "bfl.flux"
  | "fal.z-image"
  | "fal.sam-3-image"
  | "fal.qwen-image-edit"
  | "fal.qwen-image-edit-multi-angle"
  | "fal.qwen-image-layered";

/** Video APIs of the offline-only backends. */
export type VideoOnlyApi = "byteplus.video-generation" | "fal.wan-video-replace" | "fal.kling-video" | "fal.sam-3-video";

/** APIs that produce videos: long-running operations, always run as asynchronous tasks. */
export const VIDEO_APIS: ReadonlySet<ModelApi> = new Set<ModelApi>([
  "openai.videos",
  "google.generate-videos",
  "byteplus.video-generation",
  "fal.wan-video-replace",
  "fal.kling-video",
  "fal.sam-3-video",
]);

/**
 * Per-request HTTP options for the upstream call, from the Python client's
 * `extra_headers` / `extra_query` / `timeout` parameters.
 */
export interface UpstreamOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** A validated request, ready for a provider. */
export interface ProviderCall {
  /** Upstream service chosen from provider + channel. */
  readonly backend: Backend;
  /** Provider API chosen from provider + invoke type. */
  readonly api: ModelApi;
  /** Wire values of the request, for providers that describe them (offline). */
  readonly provider: string;
  readonly invokeType: string;
  /**
   * Provider parameters as the provider's TypeScript SDK spells them (Google
   * keys already camelCase, binary inputs already decoded to {@link BinaryFile}).
   */
  readonly params: Readonly<Record<string, unknown>>;
  readonly upstream: UpstreamOptions;
  /** True for a chunked answer; false for exactly one chunk. */
  readonly stream: boolean;
  /** Aborted when the caller cancels or its deadline passes (tasks: when the server shuts down). */
  readonly signal: AbortSignal;
  /**
   * Tasks only: where a long-running provider operation records how to find
   * it again (its id), so a replica that takes over a task follows the same
   * operation instead of starting (and paying for) a new one.
   */
  readonly checkpoint?: TaskCheckpoint | undefined;
  /** Long-running provider operations (tasks): the pause between two status reads, ms. */
  readonly pollIntervalMs?: number | undefined;
}

/** The default of {@link ProviderCall.pollIntervalMs}. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;

/** A task's saved provider state; see {@link ProviderCall.checkpoint}. */
export interface TaskCheckpoint {
  /** What an earlier run saved, if any. */
  readonly saved: unknown;
  save(state: unknown): Promise<void>;
}

/** A generated video: the provider's URL, or its bytes. */
export interface VideoOutput {
  readonly mimeType: string;
  readonly url?: string;
  readonly bytes?: Uint8Array;
}

/** One piece of an answer. `usage` and `raw` are serialised to JSON on the wire. */
export interface ProviderChunk {
  /** Text of this piece ("" when it carries none). */
  readonly content: string;
  /** Token usage in the provider's own shape; on the final chunk of a stream. */
  readonly usage?: unknown;
  /** The provider's response (non-stream) or event/chunk (stream). */
  readonly raw?: unknown;
  /** The provider's finish reason, when this chunk reports one (for logs). */
  readonly finishReason?: string | null | undefined;
  /** Video APIs: the generated videos. */
  readonly videos?: readonly VideoOutput[];
}

/** A model provider: one module per upstream family, plus the offline one. */
export interface ModelProvider {
  /**
   * Runs one call. Non-stream calls yield exactly one chunk. Provider failures
   * are thrown (the service turns them into in-band `error` text); setup
   * problems are thrown as {@link ProviderSetupError}s.
   */
  invoke(call: ProviderCall): AsyncIterable<ProviderChunk>;
}

/** A decoded binary input (`"bytes:<base64>"` or `[name, "bytes:<base64>", mime]`). */
export interface BinaryFile {
  readonly kind: "binary-file";
  readonly fileName: string;
  readonly mimeType: string;
  readonly bytes: Uint8Array;
}

/** True for a decoded {@link BinaryFile}. */
export function isBinaryFile(value: unknown): value is BinaryFile {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "binary-file";
}
