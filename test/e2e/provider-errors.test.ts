/**
 * A provider's error answer (status + its error body) reaches the user as a
 * ProviderError carrying the provider's own message and the call's request
 * id, from `invoke` and from `invokeStream` — before or after chunks.
 */
import { describe, expect, it } from "vitest";
import {
  IncompleteAnswerError,
  type InvokeRequest,
  invoke,
  invokeStream,
  type ModelResponse,
  ProviderError,
  StreamInterruptedError,
} from "tamar-model-client";
import { sendJson, sseEvent, startFakeUpstream, startSse } from "../helpers/fake-upstream.js";
import { anthropicError, writeAnthropicStream } from "../helpers/provider-wire/anthropic.js";
import { googleError } from "../helpers/provider-wire/gemini.js";
import { chatChunk, openAIError, responseObject } from "../helpers/provider-wire/openai.js";
import { type BackendName, failureOf, type RequestOf, startStack, userContext } from "./helpers/stack.js";

interface ErrorCase {
  readonly backend: BackendName;
  readonly request: RequestOf;
  readonly status: number;
  readonly body: object;
  /** The in-band text the server makes of it: backend, HTTP status, the provider's message. */
  readonly message: RegExp;
}

const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] } as const;
const gemini = { provider: "google", model: "gemini-2.5-flash", contents: "Hello" } as const;

const CASES: ErrorCase[] = [
  {
    backend: "openai",
    request: { provider: "openai", ...chat },
    status: 429,
    body: openAIError("Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3."),
    message: /^openai request failed, HTTP 429: .*Rate limit reached for gpt-4o-mini on requests per min \(RPM\): Limit 3\./,
  },
  {
    backend: "azure",
    request: { provider: "azure", ...chat },
    status: 400,
    body: openAIError("The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", "content_filter", "invalid_request_error"),
    message: /^azure request failed, HTTP 400: .*The response was filtered due to the prompt triggering Azure OpenAI's content management policy\./,
  },
  {
    backend: "ai-studio",
    request: { ...gemini, channel: "ai-studio" },
    status: 400,
    body: googleError(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT"),
    message: /^google-ai-studio request failed, HTTP 400: .*API key not valid\. Please pass a valid API key\./,
  },
  {
    backend: "vertexai",
    request: { ...gemini, channel: "vertexai" },
    status: 503,
    body: googleError(503, "The model is overloaded. Please try again later.", "UNAVAILABLE"),
    message: /^google-vertex request failed, HTTP 503: .*The model is overloaded\. Please try again later\./,
  },
  {
    backend: "anthropic",
    request: { provider: "anthropic", max_tokens: 100, ...chat, model: "claude-sonnet-4" },
    status: 529,
    body: anthropicError("overloaded_error", "Overloaded"),
    message: /^anthropic request failed, HTTP 529: .*Overloaded/,
  },
];

function expectProviderError(error: unknown, message: RegExp, requestId: string): asserts error is ProviderError {
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.providerMessage).toMatch(message);
  expect(providerError.requestId).toBe(requestId);
  expect(providerError.message).toContain(requestId);
  expect(providerError.retryable).toBe(false);
}

describe.each(CASES)("$backend answers HTTP $status", (errorCase) => {
  it("invoke and invokeStream throw a ProviderError with the provider's message and the request id", async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, errorCase.status, errorCase.body));
    const { client } = await startStack({ [errorCase.backend]: upstream.url });
    const request = { ...errorCase.request, userContext } as InvokeRequest;

    const fromInvoke = await failureOf(() => invoke(client, request, { requestId: "err-invoke" }));
    expectProviderError(fromInvoke, errorCase.message, "err-invoke");

    const chunks: ModelResponse[] = [];
    const fromStream = await failureOf(async () => {
      for await (const chunk of invokeStream(client, request, { requestId: "err-stream" })) chunks.push(chunk);
    });
    expectProviderError(fromStream, errorCase.message, "err-stream");
    expect(chunks).toEqual([]);
    // one provider request per call: the client does not retry a provider's answer
    expect(upstream.requests).toHaveLength(2);
  });
});

describe("a provider failing mid-stream", () => {
  it("OpenAI's error event after a chunk: the chunk, then a ProviderError with its message", async () => {
    const upstream = await startFakeUpstream((_request, res) => {
      startSse(res);
      res.write(sseEvent(chatChunk({ role: "assistant", content: "Hi" })));
      res.end(sseEvent({ error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null } }));
    });
    const { client } = await startStack({ openai: upstream.url });
    const contents: (string | undefined)[] = [];
    const error = await failureOf(async () => {
      for await (const chunk of invokeStream(client, { provider: "openai", ...chat, userContext }, { requestId: "mid-1" })) contents.push(chunk.content);
    });
    expect(contents).toEqual(["Hi"]);
    expectProviderError(error, /^openai request failed: .*The server had an error while processing your request\./, "mid-1");
  });

  it("a Responses stream ending in response.failed: the deltas, then a ProviderError with the failure's message", async () => {
    const upstream = await startFakeUpstream((_request, res) => {
      startSse(res);
      const send = (data: { type: string }) => res.write(sseEvent(data, data.type));
      send({ type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hi", sequence_number: 1 } as never);
      const failed = { ...responseObject(), status: "failed", output: [], usage: null, error: { code: "server_error", message: "The model failed to finish." } };
      send({ type: "response.failed", sequence_number: 2, response: failed } as never);
      res.end();
    });
    const { client } = await startStack({ openai: upstream.url });
    const chunks: ModelResponse[] = [];
    const error = await failureOf(async () => {
      for await (const chunk of invokeStream(client, { provider: "openai", model: "gpt-4.1", input: "Hello", userContext }, { requestId: "mid-3" })) chunks.push(chunk);
    });
    // the failure event itself is delivered (finish reason "error"), then the error
    expect(chunks.map((chunk) => [chunk.content, chunk.finishReason])).toEqual([
      ["Hi", undefined],
      [undefined, "error"],
    ]);
    expectProviderError(error, /^openai request failed: the response failed: The model failed to finish\./, "mid-3");
  });

  it("an Anthropic stream cut before message_stop: every chunk delivered, then an incomplete-answer interruption, never a whole-looking answer", async () => {
    const upstream = await startFakeUpstream((_request, res) => writeAnthropicStream(res, ["Once", " upon"], { complete: false }));
    const { client } = await startStack({ anthropic: upstream.url });
    const request = { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 100, messages: [{ role: "user", content: "A story" }], userContext } as const;
    const contents: string[] = [];
    const error = await failureOf(async () => {
      for await (const chunk of invokeStream(client, request, { requestId: "mid-2" })) contents.push(chunk.content ?? "");
    });
    expect(contents.join("")).toBe("Once upon");
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).incomplete).toBe(true);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(IncompleteAnswerError);
    expect((error as StreamInterruptedError).message).toMatch(/DATA_LOSS: the anthropic answer is incomplete: it ended without message_stop/);
    expect((error as StreamInterruptedError).requestId).toBe("mid-2");
  });
});

describe("a pair the provider SDK refuses", () => {
  it("image-generation-genai on AI Studio: a ProviderError naming Vertex AI, no provider request", async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 500, {}));
    const { client } = await startStack({ "ai-studio": upstream.url });
    const error = await failureOf(() =>
      invoke(client, { provider: "google", channel: "ai-studio", model: "imagen-4.0", prompt: "a fox", config: { numberOfImages: 1 }, userContext }, { requestId: "img-1" }),
    );
    expectProviderError(error, /^google-ai-studio request failed: .*Vertex AI/, "img-1");
    expect(upstream.requests).toHaveLength(0);
  });
});
