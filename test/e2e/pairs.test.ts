/**
 * Every (provider, invoke type) pair end to end: our SDK client → the
 * reference server → the real provider SDK → a fake provider on loopback
 * speaking that provider's wire format. Each row asserts both ends: what the
 * fake provider received (method, URL, credentials, the body carrying the
 * user's parameters exactly) and what the user gets back.
 */
import { describe, expect, it } from "vitest";
import { type InvokeRequest, invoke, invokeStream, type ModelResponse } from "tamar-model-client";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { collect } from "../helpers/grpc-client.js";
import { ANTHROPIC_USAGE, anthropicApi, anthropicMessage } from "../helpers/provider-wire/anthropic.js";
import { GEMINI_USAGE, geminiApi, geminiText } from "../helpers/provider-wire/gemini.js";
import { CHAT_USAGE, chatCompletion, IMAGES_USAGE, openAIApi, RESPONSES_USAGE, responseObject } from "../helpers/provider-wire/openai.js";
import { PNG, PNG_B64 } from "../helpers/provider-wire/png.js";
import { AZURE_API_VERSION, BACKENDS, type BackendName, type RequestOf, startStack, userContext, VERTEX_PATH } from "./helpers/stack.js";


/** What the user gets from a streamed call, chunk by chunk. */
interface StreamExpectation {
  readonly contents: readonly string[];
  readonly finishReasons: readonly (string | undefined)[];
  readonly usages: readonly (object | undefined)[];
}

interface Pair {
  readonly name: string;
  readonly backend: BackendName;
  readonly request: RequestOf;
  /** Path and query the fake provider must see. */
  readonly url: (stream: boolean) => string;
  /** The exact JSON body the fake provider must see… */
  readonly body?: (stream: boolean) => object;
  /** …or the multipart form of an upload: text fields and files (name, type; bytes are the test PNG). */
  readonly form?: { readonly fields: Record<string, string>; readonly files: Record<string, readonly [string, string]> };
  /** What `invoke` returns (subset; `content` exactly, undefined for images). */
  readonly answer: Partial<ModelResponse>;
  /** What `invokeStream` yields; absent where the provider API does not stream. */
  readonly stream?: StreamExpectation;
}

const chatMessages = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hello" },
] as const;

const CHAT_STREAM: StreamExpectation = {
  // role chunk, two text deltas, finish chunk, usage chunk (stream_options.include_usage);
  // the last chunk repeats the stream's finish reason
  contents: ["", "Hi", " there", "", ""],
  finishReasons: [undefined, undefined, undefined, "stop", "stop"],
  usages: [undefined, undefined, undefined, undefined, CHAT_USAGE],
};

const RESPONSES_STREAM: StreamExpectation = {
  // response.created, two output_text deltas, response.completed
  contents: ["", "Hi", " there", ""],
  finishReasons: [undefined, undefined, undefined, "stop"],
  usages: [undefined, undefined, undefined, RESPONSES_USAGE],
};

const GEMINI_STREAM: StreamExpectation = {
  // Gemini sends its running usage with every chunk; the last one is the total.
  contents: ["Hi", " there"],
  finishReasons: [undefined, "stop"],
  usages: [{ promptTokenCount: 5, totalTokenCount: 5 }, GEMINI_USAGE],
};

const ANTHROPIC_STREAM: StreamExpectation = {
  // message_start, content_block_start, two text deltas, content_block_stop, message_delta, message_stop
  // (the SDK drops the ping the fake sends in between)
  contents: ["", "", "Hi", " there", "", "", ""],
  finishReasons: [undefined, undefined, undefined, undefined, undefined, "stop", "stop"],
  usages: [undefined, undefined, undefined, undefined, undefined, undefined, ANTHROPIC_USAGE],
};

// Images are answered whole: OpenAI's images endpoints are called without
// partial-image streaming and Imagen's :predict has no stream, so a stream
// would be one message (checked once below, not per row).
function openAIPairs(provider: "openai" | "azure"): Pair[] {
  const url = (deployment: string, api: string) =>
    provider === "openai"
      ? `/v1/${api}`
      : // Azure: the deployment (the request's model) in the path, the API version in the query;
        // the Responses API has no deployment path.
        `/openai/${api === "responses" ? "" : `deployments/${deployment}/`}${api}?api-version=${AZURE_API_VERSION}`;
  const chat = { model: "gpt-4o-mini", messages: chatMessages, max_tokens: 50, temperature: 0.2, response_format: { type: "json_object" } } as const;
  const responses = { model: "gpt-4.1", input: "Hello", instructions: "Be brief.", max_output_tokens: 20 } as const;
  const image = { model: "gpt-image-1", prompt: "a fox", n: 1, size: "1024x1024", quality: "low" } as const;
  return [
    {
      name: `${provider} chat-completions`,
      backend: provider,
      request: { provider, ...chat },
      url: () => url("gpt-4o-mini", "chat/completions"),
      body: (stream) => ({ ...chat, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) }),
      answer: { content: "Hi there", usage: CHAT_USAGE, finishReason: "stop" },
      stream: CHAT_STREAM,
    },
    {
      name: `${provider} responses`,
      backend: provider,
      request: { provider, ...responses },
      url: () => url("gpt-4.1", "responses"),
      body: (stream) => ({ ...responses, stream }),
      answer: { content: "Hi there", usage: RESPONSES_USAGE, finishReason: "stop" },
      stream: RESPONSES_STREAM,
    },
    {
      name: `${provider} image-generation`,
      backend: provider,
      request: { provider, ...image },
      url: () => url("gpt-image-1", "images/generations"),
      body: () => image,
      answer: { usage: IMAGES_USAGE, rawResponse: expect.objectContaining({ data: [{ b64_json: PNG_B64 }] }) },
    },
    {
      name: `${provider} image-edit-generation`,
      backend: provider,
      // a Buffer and a [name, bytes, type] tuple, uploaded as real files
      request: { provider, model: "gpt-image-1", prompt: "add a hat", image: PNG, mask: ["mask.png", PNG, "image/png"], size: "1024x1024" },
      url: () => url("gpt-image-1", "images/edits"),
      form: {
        fields: { model: "gpt-image-1", prompt: "add a hat", size: "1024x1024" },
        files: { image: ["image.png", "image/png"], mask: ["mask.png", "image/png"] },
      },
      answer: { usage: IMAGES_USAGE, rawResponse: expect.objectContaining({ data: [{ b64_json: PNG_B64 }] }) },
    },
  ];
}

function googleGeneration(channel: "ai-studio" | "vertexai"): Pair {
  const config = { maxOutputTokens: 64, temperature: 0.3, systemInstruction: "Be brief.", responseMimeType: "text/plain" };
  const base = channel === "ai-studio" ? "/v1beta/models" : VERTEX_PATH;
  return {
    name: `google (${channel}) generation`,
    backend: channel,
    request: { provider: "google", channel, model: "gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: "Hello" }] }], config },
    url: (stream) => `${base}/gemini-2.5-flash:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    body: () => ({
      contents: [{ role: "user", parts: [{ text: "Hello" }] }],
      systemInstruction: { role: "user", parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 64, temperature: 0.3, responseMimeType: "text/plain" },
    }),
    answer: { content: "Hi there", usage: GEMINI_USAGE, finishReason: "stop" },
    stream: GEMINI_STREAM,
  };
}

const IMAGEN_ANSWER: Partial<ModelResponse> = {
  // Google reports no usage for images; "{}" says so explicitly.
  usage: {},
  rawResponse: expect.objectContaining({ generatedImages: [expect.objectContaining({ image: { imageBytes: PNG_B64, mimeType: "image/png" } })] }),
};

const PAIRS: Pair[] = [
  ...openAIPairs("openai"),
  ...openAIPairs("azure"),
  googleGeneration("ai-studio"),
  googleGeneration("vertexai"),
  {
    // @google/genai serves generateImages on Vertex AI only (AI Studio: see provider-errors.test.ts)
    name: "google (vertexai) image-generation-genai",
    backend: "vertexai",
    request: { provider: "google", channel: "vertexai", model: "imagen-4.0", prompt: "a fox", config: { numberOfImages: 1, aspectRatio: "16:9", negativePrompt: "blur" } },
    url: () => `${VERTEX_PATH}/imagen-4.0:predict`,
    body: () => ({ instances: [{ prompt: "a fox" }], parameters: { sampleCount: 1, aspectRatio: "16:9", negativePrompt: "blur" } }),
    answer: IMAGEN_ANSWER,
  },
  {
    // The Python SDK's flat Vertex AI Imagen fields; channel normal picks Vertex AI for images.
    name: "google (normal → vertexai) image-generation",
    backend: "vertexai",
    request: { provider: "google", invokeType: "image-generation", model: "imagen-3.0", prompt: "a fox", negative_prompt: "blur", number_of_images: 2, seed: 7, add_watermark: false },
    url: () => `${VERTEX_PATH}/imagen-3.0:predict`,
    body: () => ({ instances: [{ prompt: "a fox" }], parameters: { sampleCount: 2, negativePrompt: "blur", seed: 7, addWatermark: false } }),
    answer: IMAGEN_ANSWER,
  },
  {
    name: "anthropic messages",
    backend: "anthropic",
    request: { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 1024, system: "Be brief.", messages: [{ role: "user", content: "Hello" }], temperature: 0.5 },
    url: () => "/v1/messages",
    body: (stream) => ({ model: "claude-sonnet-4", max_tokens: 1024, system: "Be brief.", messages: [{ role: "user", content: "Hello" }], temperature: 0.5, stream }),
    answer: { content: "Hi there", usage: ANTHROPIC_USAGE, finishReason: "stop" },
    stream: ANTHROPIC_STREAM,
  },
];

const API_OF: Record<BackendName, typeof openAIApi> = { openai: openAIApi, azure: openAIApi, "ai-studio": geminiApi, vertexai: geminiApi, anthropic: anthropicApi };

async function expectSent(pair: Pair, sent: RecordedRequest, stream: boolean) {
  expect(sent.method).toBe("POST");
  expect(sent.url).toBe(pair.url(stream));
  expect(BACKENDS[pair.backend].authOf(sent)).toEqual(BACKENDS[pair.backend].auth);
  if (pair.body) {
    expect(sent.json()).toEqual(pair.body(stream));
    return;
  }
  const form = await sent.formData();
  const entries = [...form.keys()].sort();
  expect(entries).toEqual([...Object.keys(pair.form!.fields), ...Object.keys(pair.form!.files)].sort());
  for (const [name, value] of Object.entries(pair.form!.fields)) expect(form.get(name)).toBe(value);
  for (const [name, [fileName, type]] of Object.entries(pair.form!.files)) {
    const file = form.get(name) as File;
    expect([file.name, file.type]).toEqual([fileName, type]);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
  }
}

async function stackFor(pair: Pair) {
  const upstream = await startFakeUpstream(API_OF[pair.backend]);
  const { client } = await startStack({ [pair.backend]: upstream.url });
  return { upstream, client };
}

describe.each(PAIRS)("$name", (pair) => {
  it("invoke: the provider gets the user's parameters; the user gets the whole answer", async () => {
    const { upstream, client } = await stackFor(pair);
    const requestId = `e2e-${pair.name.replace(/\W+/g, "-")}`;
    const answer = await invoke(client, { ...pair.request, userContext } as InvokeRequest, { requestId });

    expect(upstream.requests).toHaveLength(1);
    await expectSent(pair, upstream.requests[0]!, false);
    expect(answer).toMatchObject({ ...pair.answer, requestId });
    expect(answer.content).toBe(pair.answer.content);
    expect(answer.error).toBeUndefined();
  });
});

describe.each(PAIRS.filter((pair) => pair.stream))("$name", (pair) => {
  it("invokeStream: every provider chunk once, in order, usage on the last", async () => {
    const { upstream, client } = await stackFor(pair);
    const requestId = `e2e-stream-${pair.name.replace(/\W+/g, "-")}`;
    const chunks = await collect(invokeStream(client, { ...pair.request, userContext } as InvokeRequest, { requestId }));

    expect(upstream.requests).toHaveLength(1);
    await expectSent(pair, upstream.requests[0]!, true);
    const expected = pair.stream!;
    expect(chunks.map((chunk) => chunk.content ?? "")).toEqual(expected.contents);
    expect(chunks.map((chunk) => chunk.finishReason)).toEqual(expected.finishReasons);
    expect(chunks.map((chunk) => chunk.usage)).toEqual(expected.usages);
    expect(chunks.every((chunk) => chunk.requestId === requestId && chunk.error === undefined)).toBe(true);
  });
});

describe("an answer cut at the token limit ends with finish reason length in every shape", () => {
  const truncated: { name: string; backend: BackendName; request: RequestOf; body: object }[] = [
    { name: "OpenAI chat", backend: "openai", request: { provider: "openai", model: "gpt-4o-mini", messages: chatMessages, max_tokens: 2 }, body: chatCompletion({ text: "Hi", finishReason: "length" }) },
    {
      name: "OpenAI Responses",
      backend: "openai",
      request: { provider: "openai", model: "gpt-4.1", input: "Hello", max_output_tokens: 16 },
      body: { ...responseObject({ text: "Hi" }), status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
    },
    { name: "Gemini", backend: "ai-studio", request: { provider: "google", model: "gemini-2.5-flash", contents: "Hello", config: { maxOutputTokens: 2 } }, body: geminiText("Hi", "MAX_TOKENS", GEMINI_USAGE) },
    {
      name: "Anthropic",
      backend: "anthropic",
      request: { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 2, messages: [{ role: "user", content: "Hello" }] },
      body: anthropicMessage({ content: [{ type: "text", text: "Hi" }], stopReason: "max_tokens" }),
    },
  ];

  it.each(truncated)("$name", async ({ backend, request, body }) => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, body));
    const { client } = await startStack({ [backend]: upstream.url });
    const answer = await invoke(client, { ...request, userContext } as InvokeRequest);
    expect([answer.content, answer.finishReason]).toEqual(["Hi", "length"]);
  });
});

describe("streams that are one message", () => {
  it("an image request through invokeStream is answered whole, once; the provider is asked without stream", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startStack({ openai: upstream.url });
    const chunks = await collect(invokeStream(client, { provider: "openai", model: "gpt-image-1", prompt: "a fox", userContext }));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ usage: IMAGES_USAGE, rawResponse: expect.objectContaining({ data: [{ b64_json: PNG_B64 }] }) });
    expect(upstream.requests.map((request) => request.json())).toEqual([{ model: "gpt-image-1", prompt: "a fox" }]);
  });
});

describe("request ids", () => {
  it("without one, the id the client generated and sent comes back on the answer", async () => {
    const upstream = await startFakeUpstream(anthropicApi);
    const sent: string[] = [];
    const { client } = await startStack(
      { anthropic: upstream.url },
      {
        client: {
          // runs per attempt, after the client set x-request-id
          middlewares: [
            async function* recordRequestId(call, options) {
              sent.push(options.metadata?.get("x-request-id") ?? "");
              return yield* call.next(call.request, options);
            },
          ],
        },
      },
    );
    const answer = await invoke(client, { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 10, messages: [{ role: "user", content: "Hi" }], userContext });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.requestId).toBe(sent[0]);
  });
});
