/**
 * Google AI Studio (Gemini API) and Vertex AI through the official
 * `@google/genai`: generateContent / generateContentStream, generateImages
 * and generateVideos.
 * Stream chunks pass through as `raw`; each carries Gemini's running
 * `usageMetadata` when it has one, so the last chunk holds the total.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { GoogleAIStudioSettings, GoogleVertexSettings } from "../config/backend-settings.js";
import { IncompleteAnswerError } from "./incomplete-answer.js";
import { lazySdk } from "./load-sdk.js";
import { DEFAULT_POLL_INTERVAL_MS, type ModelProvider, type ProviderCall, type ProviderChunk, type VideoOutput } from "./provider.js";
import type { SdkProviderDeps } from "./sdk-support.js";

type GenAISdk = typeof import("@google/genai");
type GenAIClient = InstanceType<GenAISdk["GoogleGenAI"]>;
type ClientOptions = NonNullable<ConstructorParameters<GenAISdk["GoogleGenAI"]>[0]>;
type GenerateContentParams = Parameters<GenAIClient["models"]["generateContent"]>[0];
type GenerateImagesParams = Parameters<GenAIClient["models"]["generateImages"]>[0];
type GenerateVideosParams = Parameters<GenAIClient["models"]["generateVideos"]>[0];
type GenerateContentResponse = Awaited<ReturnType<GenAIClient["models"]["generateContent"]>>;

export type GoogleProviderOptions = SdkProviderDeps & (
  | { readonly backend: "google-ai-studio"; readonly settings: GoogleAIStudioSettings }
  | {
      readonly backend: "google-vertex";
      readonly settings: GoogleVertexSettings;
      readonly googleAuthOptions: Readonly<Record<string, unknown>> | undefined;
    }
);

export function createGoogleProvider(options: GoogleProviderOptions): ModelProvider {
  const loadSdk = lazySdk<GenAISdk>(options.importModule, "@google/genai", options.backend);
  let client: GenAIClient | undefined;
  return {
    async *invoke(call) {
      const sdk = await loadSdk();
      client ??= new sdk.GoogleGenAI(clientOptions(options));
      yield* invokeGoogle(sdk, client, call);
    },
  };
}

function clientOptions(options: GoogleProviderOptions): ClientOptions {
  const httpOptions: NonNullable<ClientOptions["httpOptions"]> = {};
  if (options.settings.baseUrl) httpOptions.baseUrl = options.settings.baseUrl;
  // The SDK retries only when asked to; attempts count the first one.
  if (options.maxRetries > 0) httpOptions.retryOptions = { attempts: options.maxRetries + 1 };
  if (options.backend === "google-ai-studio") {
    return { vertexai: false, apiKey: options.settings.apiKey, httpOptions };
  }
  const { project, location } = options.settings;
  return {
    vertexai: true,
    project,
    location,
    httpOptions,
    ...(options.googleAuthOptions ? { googleAuthOptions: options.googleAuthOptions as NonNullable<ClientOptions["googleAuthOptions"]> } : {}),
  };
}

async function* invokeGoogle(sdk: GenAISdk, client: GenAIClient, call: ProviderCall): AsyncGenerator<ProviderChunk> {
  const config = { ...(call.params["config"] as object | undefined), abortSignal: call.signal };
  switch (call.api) {
    case "google.generate-content": {
      const params = { ...call.params, config } as GenerateContentParams;
      if (!call.stream) {
        const response = await client.models.generateContent(params);
        if (!finished(response)) throw new IncompleteAnswerError(call.backend, "a finishReason");
        yield contentChunk(response);
        return;
      }
      let done = false;
      for await (const chunk of await client.models.generateContentStream(params)) {
        done ||= finished(chunk);
        yield contentChunk(chunk);
      }
      // The SDK ends quietly when the body stops early.
      if (!done) throw new IncompleteAnswerError(call.backend, "a finishReason");
      return;
    }
    case "google.generate-images": {
      const response = await client.models.generateImages({ ...call.params, config } as GenerateImagesParams);
      // Google reports no usage for images: "{}" says so explicitly.
      yield { content: "", usage: {}, raw: withoutTransportMetadata(response) };
      return;
    }
    case "google.generate-videos":
      yield await generateVideos(sdk, client, call, config);
      return;
    default:
      throw new Error(`the ${call.backend} provider does not implement ${call.api}`);
  }
}

// A finish reason ends an answer; so does a prompt blocked before any candidate.
function finished(response: GenerateContentResponse): boolean {
  return Boolean(response.candidates?.some((candidate) => candidate.finishReason) || response.promptFeedback?.blockReason);
}

function contentChunk(response: GenerateContentResponse): ProviderChunk {
  const candidate = response.candidates?.[0];
  // Text parts only; thought summaries are not the answer (they stay in raw).
  const text = (candidate?.content?.parts ?? [])
    .map((part) => (typeof part.text === "string" && !part.thought ? part.text : ""))
    .join("");
  return { content: text, usage: response.usageMetadata, raw: withoutTransportMetadata(response), finishReason: candidate?.finishReason };
}

// The SDK attaches the upstream HTTP response headers as `sdkHttpResponse`.
// They are transport details, not the provider's answer: forwarding them
// would repeat them on every stream chunk and show every caller the
// upstream's infrastructure headers.
function withoutTransportMetadata<T extends { sdkHttpResponse?: unknown }>(response: T): Omit<T, "sdkHttpResponse"> {
  const { sdkHttpResponse: _transport, ...answer } = response;
  return answer;
}

/**
 * `generateVideos`, then `operations.getVideosOperation` until the operation
 * is done. The operation name is checkpointed first, so a replica that takes
 * the task over follows the same operation. Videos come back as the
 * provider's URI (AI Studio: a Files API URI, downloaded with the API key;
 * Vertex AI: `gs://` unless `outputGcsUri` was not set) or as bytes.
 */
async function generateVideos(sdk: GenAISdk, client: GenAIClient, call: ProviderCall, config: object): Promise<ProviderChunk> {
  const saved = call.checkpoint?.saved as { googleOperation?: unknown } | undefined;
  let operation: InstanceType<GenAISdk["GenerateVideosOperation"]>;
  if (typeof saved?.googleOperation === "string") {
    operation = Object.assign(new sdk.GenerateVideosOperation(), { name: saved.googleOperation });
  } else {
    // The SDK wants prompt / image / video inside `source` now; the Python SDK sends them at the top.
    const { prompt, image, video, source, ...rest } = call.params;
    const inputs = source ?? Object.fromEntries(Object.entries({ prompt, image, video }).filter(([, value]) => value !== undefined));
    operation = await client.models.generateVideos({ ...rest, source: inputs, config } as GenerateVideosParams);
    await call.checkpoint?.save({ googleOperation: operation.name });
  }
  while (!operation.done) {
    await sleep(call.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, undefined, { signal: call.signal });
    operation = await client.operations.getVideosOperation({ operation, config: { abortSignal: call.signal } });
  }
  if (operation.error) throw new Error(`the video operation ${operation.name} failed: ${JSON.stringify(operation.error)}`);
  const videos = (operation.response?.generatedVideos ?? []).flatMap(({ video }): VideoOutput[] => {
    if (!video) return [];
    const mimeType = video.mimeType ?? "video/mp4";
    if (video.videoBytes) return [{ mimeType, bytes: Buffer.from(video.videoBytes, "base64") }];
    return video.uri ? [{ mimeType, url: video.uri }] : [];
  });
  if (videos.length === 0) throw new Error(`the video operation ${operation.name} ended without a video: ${JSON.stringify(operation.response ?? {})}`);
  return { content: "", raw: withoutTransportMetadata(operation), videos };
}
