/**
 * OpenAI and Azure OpenAI through the official `openai` package: chat
 * completions, responses, images generate and edit, videos. Streams pass every SDK
 * chunk/event through as `raw`; the final one carries usage (chat streams ask
 * for it with `stream_options.include_usage` unless the caller decided).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AzureSettings, OpenAISettings } from "../config/backend-settings.js";
import { IncompleteAnswerError } from "./incomplete-answer.js";
import { lazySdk } from "./load-sdk.js";
import { createNodeHttpFetch } from "./node-http-fetch.js";
import { type BinaryFile, DEFAULT_POLL_INTERVAL_MS, isBinaryFile, type ModelProvider, type ProviderCall, type ProviderChunk } from "./provider.js";
import { sdkLogger, stainlessRequestOptions, type SdkProviderDeps } from "./sdk-support.js";

type OpenAISdk = typeof import("openai");
type OpenAIClient = InstanceType<OpenAISdk["OpenAI"]>;
type RequestOptions = NonNullable<Parameters<OpenAIClient["chat"]["completions"]["create"]>[1]>;
// Parameters are checked by the server for what it reads and by OpenAI for the rest.
type AnyParams = Record<string, unknown> & { model: string };

export type OpenAIProviderOptions = SdkProviderDeps & (
  | { readonly backend: "openai"; readonly settings: OpenAISettings }
  | { readonly backend: "azure"; readonly settings: AzureSettings }
);

const OPENAI_BASE_URL = "https://api.openai.com/v1";

export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const loadSdk = lazySdk<OpenAISdk>(options.importModule, "openai", options.backend);
  let client: OpenAIClient | undefined;
  const clientOf = (sdk: OpenAISdk): OpenAIClient => (client ??= createClient(sdk, options));
  return {
    async *invoke(call) {
      const sdk = await loadSdk();
      yield* invokeOpenAI(sdk, clientOf(sdk), call);
    },
  };
}

// Every setting is passed explicitly so the SDK reads nothing from process.env
// behind the server's back. One client per backend, made on its first call and
// kept, so its connections to the provider are reused.
function createClient(sdk: OpenAISdk, options: OpenAIProviderOptions): OpenAIClient {
  const common = {
    fetch: createNodeHttpFetch(),
    maxRetries: options.maxRetries,
    logger: sdkLogger(options.logger, `openai-sdk (${options.backend})`),
    logLevel: "warn" as const,
  };
  if (options.backend === "azure") {
    const { apiKey, endpoint, apiVersion } = options.settings;
    return new sdk.AzureOpenAI({ ...common, apiKey, apiVersion, baseURL: `${endpoint.replace(/\/+$/, "")}/openai` });
  }
  const { apiKey, baseURL, organization, project } = options.settings;
  return new sdk.OpenAI({
    ...common,
    apiKey,
    baseURL: baseURL ?? OPENAI_BASE_URL,
    organization: organization ?? null,
    project: project ?? null,
  });
}

async function* invokeOpenAI(sdk: OpenAISdk, client: OpenAIClient, call: ProviderCall): AsyncGenerator<ProviderChunk> {
  const params = call.params as AnyParams;
  const options: RequestOptions = stainlessRequestOptions(call);

  switch (call.api) {
    case "openai.chat-completions": {
      if (!call.stream) {
        const completion = await client.chat.completions.create({ ...params, messages: params["messages"] as never, stream: false }, options);
        const choice = completion.choices[0];
        if (!choice?.finish_reason) throw new IncompleteAnswerError(call.backend, "a finish_reason");
        yield { content: choice.message.content ?? "", usage: completion.usage, raw: completion, finishReason: choice.finish_reason };
        return;
      }
      const stream = await client.chat.completions.create(
        {
          ...params,
          messages: params["messages"] as never,
          stream: true,
          stream_options: (params["stream_options"] as object | undefined) ?? { include_usage: true },
        },
        options,
      );
      let finished = false;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finished = true;
        yield { content: choice?.delta?.content ?? "", usage: chunk.usage, raw: chunk, finishReason: choice?.finish_reason };
      }
      // The SDK ends quietly when the body stops before [DONE].
      if (!finished) throw new IncompleteAnswerError(call.backend, "a finish_reason (the stream stopped before [DONE])");
      return;
    }
    case "openai.responses": {
      if (!call.stream) {
        const response = await client.responses.create({ ...params, stream: false }, options);
        if (!response.status) throw new IncompleteAnswerError(call.backend, "a status");
        yield { content: response.output_text, usage: response.usage, raw: response, finishReason: response.status };
        return;
      }
      const stream = await client.responses.create({ ...params, stream: true }, options);
      let finished = false;
      for await (const event of stream) {
        switch (event.type) {
          case "response.output_text.delta":
            yield { content: event.delta, raw: event };
            break;
          case "response.completed":
          case "response.incomplete":
            finished = true;
            yield { content: "", usage: event.response.usage, raw: event, finishReason: event.response.status };
            break;
          case "response.failed":
            yield { content: "", raw: event, finishReason: event.response.status };
            throw new Error(`the response failed: ${event.response.error?.message ?? "no reason given"}`);
          case "error":
            // e.g. insufficient_quota right after response.created: the answer never comes.
            throw new Error(`the response stream failed: ${event.code ? `${event.code}: ` : ""}${event.message}`);
          default:
            yield { content: "", raw: event };
        }
      }
      if (!finished) throw new IncompleteAnswerError(call.backend, "response.completed");
      return;
    }
    case "openai.images.generate": {
      const images = await client.images.generate(params as never, options);
      yield { content: "", usage: (images as { usage?: unknown }).usage, raw: images };
      return;
    }
    case "openai.images.edit": {
      const upload = (file: BinaryFile) => sdk.toFile(file.bytes, file.fileName, { type: file.mimeType });
      const image = params["image"];
      const edit = {
        ...params,
        image: Array.isArray(image) ? await Promise.all(image.filter(isBinaryFile).map(upload)) : await upload(image as BinaryFile),
        ...(isBinaryFile(params["mask"]) ? { mask: await upload(params["mask"]) } : {}),
      };
      // A multipart body hides `model` from AzureOpenAI, which needs it for the
      // deployment path; the SDK reads it from __metadata instead.
      const model = params["model"];
      const images = await client.images.edit(edit as never, typeof model === "string" ? { ...options, __metadata: { model } } : options);
      yield { content: "", usage: (images as { usage?: unknown }).usage, raw: images };
      return;
    }
    case "openai.videos":
      yield await generateVideo(sdk, client, call, options);
      return;
    default:
      throw new Error(`the ${call.backend} provider does not implement ${call.api}`);
  }
}

/**
 * `videos.create`, then `videos.retrieve` until the job ends, then the MP4
 * from `videos.downloadContent`. The job id is checkpointed first, so a
 * replica that takes the task over follows the same job.
 */
async function generateVideo(sdk: OpenAISdk, client: OpenAIClient, call: ProviderCall, options: RequestOptions): Promise<ProviderChunk> {
  const saved = call.checkpoint?.saved as { openaiVideoId?: unknown } | undefined;
  let video: Awaited<ReturnType<OpenAIClient["videos"]["retrieve"]>>;
  if (typeof saved?.openaiVideoId === "string") {
    video = await client.videos.retrieve(saved.openaiVideoId, options);
  } else {
    const reference = call.params["input_reference"];
    const body = {
      ...call.params,
      ...(isBinaryFile(reference) ? { input_reference: await sdk.toFile(reference.bytes, reference.fileName, { type: reference.mimeType }) } : {}),
    };
    video = await client.videos.create(body as never, options);
    await call.checkpoint?.save({ openaiVideoId: video.id });
  }
  while (video.status === "queued" || video.status === "in_progress") {
    await sleep(call.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, undefined, { signal: call.signal });
    video = await client.videos.retrieve(video.id, options);
  }
  if (video.status !== "completed") {
    throw new Error(`the video job ${video.id} ${video.status}: ${video.error?.message ?? "no reason given"}`);
  }
  const content = await client.videos.downloadContent(video.id, { variant: "video" }, options);
  const bytes = new Uint8Array(await content.arrayBuffer());
  return { content: "", raw: video, videos: [{ mimeType: content.headers.get("content-type") ?? "video/mp4", bytes }] };
}
