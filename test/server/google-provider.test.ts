/**
 * Google AI Studio and Vertex AI through the real `@google/genai`, pointed at
 * a fake provider on loopback that speaks the Gemini REST wire format
 * (generateContent JSON, streamGenerateContent?alt=sse, Imagen predict);
 * calls go through a real gRPC client.
 */
import { describe, expect, it } from "vitest";
import { Status } from "nice-grpc";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { GEMINI_USAGE, geminiApi, googleError } from "../helpers/provider-wire/gemini.js";
import { PNG_B64 } from "../helpers/provider-wire/png.js";
import { startReferenceServer } from "../helpers/reference-server.js";

const KEY = "AIza-test-key-0123456789";
const USAGE = GEMINI_USAGE;

const generation = (channel: string, stream: boolean) => ({
  provider: "google",
  channel,
  invokeType: "generation",
  stream,
  orgId: "org-1",
  userId: "user-1",
  extra: {
    model: "gemini-2.5-flash",
    contents: [{ role: "user", parts: [{ text: "Hello" }, { inline_data: { mime_type: "image/png", data: `bytes:${PNG_B64}` } }] }],
    // snake_case, as the Python client dumps GenerateContentConfig
    config: { max_output_tokens: 64, temperature: 0.3, system_instruction: "Be brief.", thinking_config: { thinking_budget: 0 } },
  },
});

const vertexAuth = {
  // An auth client as google-auth-library would build from Application Default Credentials.
  authClient: { getRequestHeaders: async () => new Headers({ authorization: "Bearer vertex-access-token" }) },
};

const BACKENDS = [
  {
    channel: "ai-studio",
    options: (url: string) => ({ env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: url } }),
    path: (model: string, method: string) => `/v1beta/models/${model}:${method}`,
    expectAuth: (request: RecordedRequest) => expect(request.headers["x-goog-api-key"]).toBe(KEY),
  },
  {
    channel: "vertexai",
    options: (url: string) => ({
      env: { GOOGLE_CLOUD_PROJECT: "proj-1", GOOGLE_CLOUD_LOCATION: "us-central1", GOOGLE_VERTEX_BASE_URL: url },
      googleAuthOptions: vertexAuth,
    }),
    path: (model: string, method: string) => `/v1beta1/projects/proj-1/locations/us-central1/publishers/google/models/${model}:${method}`,
    expectAuth: (request: RecordedRequest) => {
      expect(request.headers.authorization).toBe("Bearer vertex-access-token");
      expect(request.headers["x-goog-api-key"]).toBeUndefined();
    },
  },
] as const;

describe.each(BACKENDS)("google $channel through @google/genai", (backend) => {
  it("generateContent: camelCase request from snake_case config, one message back", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({ ...backend.options(upstream.url), providerMaxRetries: 0 });
    const messages = await collect(client.invoke(generation(backend.channel, false), { metadata: await authMetadata() }));

    const [sent] = upstream.requests as [RecordedRequest];
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe(backend.path("gemini-2.5-flash", "generateContent"));
    backend.expectAuth(sent);
    const body = sent.json();
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "Hello" }, { inlineData: { mimeType: "image/png", data: PNG_B64 } }] }]);
    expect(body.generationConfig).toMatchObject({ maxOutputTokens: 64, temperature: 0.3, thinkingConfig: { thinkingBudget: 0 } });
    expect(body.systemInstruction).toMatchObject({ parts: [{ text: "Be brief." }] });

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ content: "Hi there", error: "" });
    expect(JSON.parse(messages[0]?.usage ?? "")).toEqual(USAGE);
    expect(JSON.parse(messages[0]?.rawResponse ?? "").candidates[0].finishReason).toBe("STOP");
    // The SDK's upstream HTTP headers are not part of the answer.
    expect(JSON.parse(messages[0]?.rawResponse ?? "")).not.toHaveProperty("sdkHttpResponse");
  });

  it("streamGenerateContent?alt=sse: one message per chunk, the total usage on the last", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({ ...backend.options(upstream.url), providerMaxRetries: 0 });
    const chunks = await collect(client.invoke(generation(backend.channel, true), { metadata: await authMetadata() }));

    const [sent] = upstream.requests as [RecordedRequest];
    expect(sent.path).toBe(backend.path("gemini-2.5-flash", "streamGenerateContent"));
    expect(sent.query.get("alt")).toBe("sse");
    expect(chunks.map((chunk) => chunk.content)).toEqual(["Hi", " there"]);
    expect(JSON.parse(chunks.at(-1)?.usage ?? "")).toEqual(USAGE);
    expect(JSON.parse(chunks.at(-1)?.rawResponse ?? "").candidates[0].finishReason).toBe("STOP");
    for (const chunk of chunks) expect(JSON.parse(chunk.rawResponse)).not.toHaveProperty("sdkHttpResponse");
  });

  it("an error status travels in-band", async () => {
    const upstream = await startFakeUpstream((_request, res) =>
      sendJson(res, 400, googleError(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")),
    );
    const { client } = await startReferenceServer({ ...backend.options(upstream.url), providerMaxRetries: 0 });
    for (const stream of [false, true]) {
      const messages = await collect(client.invoke(generation(backend.channel, stream), { metadata: await authMetadata() }));
      expect(messages).toHaveLength(1);
      expect(messages[0]?.error).toMatch(new RegExp(`^google-${backend.channel === "ai-studio" ? "ai-studio" : "vertex"} request failed, HTTP 400: .*API key not valid`));
    }
  });
});

describe("google httpOptions from the caller", () => {
  const withHttpOptions = (httpOptions: Record<string, unknown>) => ({
    provider: "google",
    channel: "ai-studio",
    invokeType: "generation",
    orgId: "org-1",
    userId: "user-1",
    extra: { model: "gemini-2.5-flash", contents: "Hello", config: { http_options: httpOptions } },
  });

  it("cannot send the server's request, and its API key, elsewhere or replace the key", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const elsewhere = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({ ...BACKENDS[0].options(upstream.url), providerMaxRetries: 0 });
    const metadata = await authMetadata();
    for (const [httpOptions, field] of [
      [{ base_url: elsewhere.url }, "extra.config.httpOptions.baseUrl"],
      [{ api_version: "v1alpha" }, "extra.config.httpOptions.apiVersion"],
      [{ headers: { "X-Goog-Api-Key": "another-key" } }, "extra.config.httpOptions.headers.X-Goog-Api-Key"],
    ] as const) {
      const error = await clientErrorOf(() => collect(client.invoke(withHttpOptions(httpOptions), { metadata })));
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toContain(field);
    }
    expect(upstream.requests).toHaveLength(0);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("headers and extra body fields the caller may set reach the provider", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({ ...BACKENDS[0].options(upstream.url), providerMaxRetries: 0 });
    const [message] = await collect(
      client.invoke(withHttpOptions({ headers: { "x-trace": "t-1" }, extra_body: { cachedContent: "c-1" } }), { metadata: await authMetadata() }),
    );
    expect(message?.content).toBe("Hi there");
    const [sent] = upstream.requests as [RecordedRequest];
    expect(sent.headers["x-trace"]).toBe("t-1");
    expect(sent.headers["x-goog-api-key"]).toBe(KEY);
    expect(sent.json()).toMatchObject({ cachedContent: "c-1" });
  });
});

describe("google routing", () => {
  const imagesRequest = (channel: string) => ({
    provider: "google",
    channel,
    invokeType: "image-generation-genai",
    orgId: "org-1",
    userId: "user-1",
    extra: { model: "imagen-4.0", prompt: "a fox", config: { number_of_images: 1, aspect_ratio: "16:9" } },
  });

  it("generateImages (image-generation-genai) goes to Imagen predict on Vertex AI", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({ ...BACKENDS[1].options(upstream.url), providerMaxRetries: 0 });
    const [message] = await collect(client.invoke(imagesRequest("vertexai"), { metadata: await authMetadata() }));
    expect(message?.error).toBe("");
    const [sent] = upstream.requests as [RecordedRequest];
    expect(sent.path).toBe(BACKENDS[1].path("imagen-4.0", "predict"));
    BACKENDS[1].expectAuth(sent);
    expect(sent.json()).toMatchObject({ instances: [{ prompt: "a fox" }], parameters: { sampleCount: 1, aspectRatio: "16:9" } });
    expect(JSON.parse(message?.rawResponse ?? "").generatedImages[0].image.imageBytes).toBe(PNG_B64);
    expect(JSON.parse(message?.rawResponse ?? "")).not.toHaveProperty("sdkHttpResponse");
  });

  it("on AI Studio, @google/genai refuses generateImages: the caller reads why, in-band", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({ ...BACKENDS[0].options(upstream.url), providerMaxRetries: 0 });
    const [message] = await collect(client.invoke(imagesRequest("ai-studio"), { metadata: await authMetadata() }));
    expect(message?.error).toMatch(/^google-ai-studio request failed: .*Vertex AI/);
    expect(upstream.requests).toHaveLength(0);
  });

  it("channel normal sends image generation to Vertex AI when both Google backends are configured", async () => {
    const vertex = await startFakeUpstream(geminiApi);
    const studio = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({
      env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: studio.url, GOOGLE_CLOUD_PROJECT: "proj-1", GOOGLE_CLOUD_LOCATION: "us-central1", GOOGLE_VERTEX_BASE_URL: vertex.url },
      googleAuthOptions: vertexAuth,
      providerMaxRetries: 0,
    });
    const [image] = await collect(client.invoke(imagesRequest("normal"), { metadata: await authMetadata() }));
    const [text] = await collect(client.invoke(generation("normal", false), { metadata: await authMetadata() }));
    expect(image?.error).toBe("");
    expect(text?.content).toBe("Hi there");
    expect(vertex.requests.map((request) => request.path)).toEqual([BACKENDS[1].path("imagen-4.0", "predict")]);
    expect(studio.requests.map((request) => request.path)).toEqual([BACKENDS[0].path("gemini-2.5-flash", "generateContent")]);
  });

  it("the flat Vertex AI Imagen input (image-generation) becomes a generateImages config", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const { client } = await startReferenceServer({ ...BACKENDS[1].options(upstream.url), providerMaxRetries: 0 });
    const [message] = await collect(
      client.invoke(
        {
          provider: "google",
          invokeType: "image-generation",
          orgId: "org-1",
          userId: "user-1",
          extra: { model: "imagen-3.0", prompt: "a fox", negative_prompt: "blur", number_of_images: 2, seed: 7, add_watermark: false },
        },
        { metadata: await authMetadata() },
      ),
    );
    // channel normal on a server with only Vertex AI configured means Vertex AI
    expect(upstream.requests[0]?.path).toBe(BACKENDS[1].path("imagen-3.0", "predict"));
    expect(upstream.requests[0]?.json().parameters).toMatchObject({ sampleCount: 2, negativePrompt: "blur", seed: 7, addWatermark: false });
    expect(message?.error).toBe("");
  });

});
