/**
 * Anthropic through the official `@anthropic-ai/sdk`: the Messages API,
 * streamed or not. A stream passes every event through as `raw` and puts the whole usage — `message_start`'s merged with
 * `message_delta`'s — on its final `message_stop` chunk.
 */
import type { AnthropicSettings } from "../config/backend-settings.js";
import { IncompleteAnswerError } from "./incomplete-answer.js";
import { lazySdk } from "./load-sdk.js";
import type { ModelProvider, ProviderCall, ProviderChunk } from "./provider.js";
import { createNodeHttpFetch } from "./node-http-fetch.js";
import { sdkLogger, stainlessRequestOptions, type SdkProviderDeps } from "./sdk-support.js";

type AnthropicSdk = typeof import("@anthropic-ai/sdk");
type AnthropicClient = InstanceType<AnthropicSdk["Anthropic"]>;
type RequestOptions = NonNullable<Parameters<AnthropicClient["messages"]["create"]>[1]>;
type MessageParams = Parameters<AnthropicClient["messages"]["create"]>[0];

export interface AnthropicProviderOptions extends SdkProviderDeps {
  readonly settings: AnthropicSettings;
}

const ANTHROPIC_BASE_URL = "https://api.anthropic.com";
// The SDK refuses non-stream calls it expects to outlast its default timeout
// unless one is set; the caller's deadline is the real limit anyway.
const REQUEST_TIMEOUT_MS = 10 * 60_000;

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const loadSdk = lazySdk<AnthropicSdk>(options.importModule, "@anthropic-ai/sdk", "anthropic");
  let client: AnthropicClient | undefined;
  return {
    async *invoke(call) {
      const sdk = await loadSdk();
      client ??= createClient(sdk, options);
      yield* invokeAnthropic(client, call);
    },
  };
}

function createClient(sdk: AnthropicSdk, options: AnthropicProviderOptions): AnthropicClient {
  const { apiKey, authToken, baseURL } = options.settings;
  return new sdk.Anthropic({
    ...(apiKey ? { apiKey } : { authToken: authToken ?? null }),
    baseURL: baseURL ?? ANTHROPIC_BASE_URL,
    maxRetries: options.maxRetries,
    timeout: REQUEST_TIMEOUT_MS,
    logger: sdkLogger(options.logger, "anthropic-sdk"),
    logLevel: "warn",
    fetch: createNodeHttpFetch(),
  });
}

async function* invokeAnthropic(client: AnthropicClient, call: ProviderCall): AsyncGenerator<ProviderChunk> {
  const params = call.params as unknown as MessageParams;
  const options: RequestOptions = stainlessRequestOptions(call);

  if (!call.stream) {
    const message = await client.messages.create({ ...params, stream: false }, options);
    if (!message.stop_reason) throw new IncompleteAnswerError(call.backend, "a stop_reason");
    const text = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    yield { content: text, usage: message.usage, raw: message, finishReason: message.stop_reason };
    return;
  }
  const stream = await client.messages.create({ ...params, stream: true }, options);
  let usage: Record<string, unknown> = {};
  let finishReason: string | null | undefined;
  for await (const event of stream) {
    switch (event.type) {
      case "message_start":
        usage = withoutNulls(event.message.usage);
        yield { content: "", raw: event };
        break;
      case "content_block_delta":
        yield { content: event.delta.type === "text_delta" ? event.delta.text : "", raw: event };
        break;
      case "message_delta":
        usage = { ...usage, ...withoutNulls(event.usage) };
        finishReason = event.delta.stop_reason;
        yield { content: "", raw: event };
        break;
      case "message_stop":
        yield { content: "", usage, raw: event, finishReason };
        return;
      default:
        yield { content: "", raw: event };
    }
  }
  // Without message_stop the answer may be cut short: say so rather than pass it off as whole.
  throw new IncompleteAnswerError(call.backend, "message_stop");
}

function withoutNulls(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value != null));
}
