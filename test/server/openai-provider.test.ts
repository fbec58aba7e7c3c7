/**
 * OpenAI and Azure OpenAI through the real `openai` SDK, pointed at a fake
 * provider on loopback that speaks OpenAI's wire format; calls go through a
 * real gRPC client.
 */
import { describe, expect, it } from "vitest";
import { Status } from "nice-grpc";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { chatCompletion, CHAT_USAGE, imagesResult, openAIApi, openAIError, responseObject, writeChatStream } from "../helpers/provider-wire/openai.js";
import { PNG_B64 } from "../helpers/provider-wire/png.js";
import { startReferenceServer } from "../helpers/reference-server.js";

const OPENAI_KEY = "sk-test-openai-0123456789";
const AZURE_KEY = "azure-test-key-0123456789";
const API_VERSION = "2024-10-21";

const completion = chatCompletion();
const response = responseObject();

const openaiEnv = (url: string) => ({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${url}/v1` });
const azureEnv = (url: string) => ({ AZURE_OPENAI_API_KEY: AZURE_KEY, AZURE_OPENAI_ENDPOINT: url, OPENAI_API_VERSION: API_VERSION });

const BACKENDS = [
  {
    provider: "openai",
    env: openaiEnv,
    path: (_model: string, api: string) => `/v1/${api}`,
    expectAuth: (request: RecordedRequest) => expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`),
  },
  {
    provider: "azure",
    env: azureEnv,
    // Azure puts the deployment (the request's model) in the path and the API version in the query.
    path: (model: string, api: string) => (api === "responses" ? `/openai/responses` : `/openai/deployments/${model}/${api}`),
    expectAuth: (request: RecordedRequest) => {
      expect(request.headers["api-key"]).toBe(AZURE_KEY);
      expect(request.query.get("api-version")).toBe(API_VERSION);
    },
  },
] as const;

const chatRequest = (provider: string, stream: boolean, extra: Record<string, unknown> = {}) => ({
  provider,
  invokeType: "chat-completions",
  stream,
  orgId: "org-1",
  userId: "user-1",
  extra: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], temperature: 0.2, max_tokens: 50, ...extra },
});

describe.each(BACKENDS)("$provider through the openai SDK", (backend) => {
  it("chat completions, non-stream: sends the SDK request and answers with one message", async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, completion, { "x-request-id": "upstream-1" }));
    const { client } = await startReferenceServer({ env: backend.env(upstream.url), providerMaxRetries: 0 });
    const messages = await collect(client.invoke(chatRequest(backend.provider, false), { metadata: await authMetadata({ "x-request-id": "r-1" }) }));

    const [request] = upstream.requests as [RecordedRequest];
    expect(request.method).toBe("POST");
    expect(request.path).toBe(backend.path("gpt-4o-mini", "chat/completions"));
    backend.expectAuth(request);
    // Struct doubles arrive as plain numbers, and nothing the server owns leaks into the body.
    expect(request.json()).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], temperature: 0.2, max_tokens: 50, stream: false });

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ content: "Hi there", error: "", requestId: "r-1" });
    expect(JSON.parse(messages[0]?.usage ?? "")).toEqual(completion.usage);
    expect(JSON.parse(messages[0]?.rawResponse ?? "")).toMatchObject({ id: "chatcmpl-1", choices: [{ finish_reason: "stop" }] });
  });

  it("chat completions, stream: asks for usage, relays every chunk, usage on the last", async () => {
    const upstream = await startFakeUpstream((_request, res) => writeChatStream(res));
    const { client } = await startReferenceServer({ env: backend.env(upstream.url), providerMaxRetries: 0 });
    const chunks = await collect(client.invoke(chatRequest(backend.provider, true), { metadata: await authMetadata() }));

    expect(upstream.requests[0]?.json()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(chunks.map((c) => c.content)).toEqual(["", "Hi", " there", "", ""]);
    expect(chunks.slice(0, -1).every((c) => c.usage === "")).toBe(true);
    expect(JSON.parse(chunks.at(-1)?.usage ?? "")).toEqual(CHAT_USAGE);
    expect(JSON.parse(chunks[3]?.rawResponse ?? "").choices[0].finish_reason).toBe("stop");
  });

  it("responses API, non-stream and stream (generation means responses)", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startReferenceServer({ env: backend.env(upstream.url), providerMaxRetries: 0 });
    const base = { provider: backend.provider, orgId: "org-1", userId: "user-1", extra: { model: "gpt-4.1", input: "Hello", max_output_tokens: 20 } };
    const [whole] = await collect(client.invoke({ ...base, invokeType: "generation" }, { metadata: await authMetadata() }));
    const chunks = await collect(client.invoke({ ...base, invokeType: "responses", stream: true }, { metadata: await authMetadata() }));

    expect(upstream.requests.map((r) => r.path)).toEqual([backend.path("gpt-4.1", "responses"), backend.path("gpt-4.1", "responses")]);
    expect(upstream.requests[0]?.json()).toEqual({ model: "gpt-4.1", input: "Hello", max_output_tokens: 20, stream: false });
    expect(whole).toMatchObject({ content: "Hi there", error: "" });
    expect(JSON.parse(whole?.usage ?? "")).toEqual(response.usage);
    expect(chunks.map((c) => c.content).join("")).toBe("Hi there");
    expect(JSON.parse(chunks.at(-1)?.usage ?? "")).toEqual(response.usage);
    expect(JSON.parse(chunks.at(-1)?.rawResponse ?? "").type).toBe("response.completed");
  });

  it("images generate and edit (multipart upload of bytes: files)", async () => {
    const images = imagesResult(PNG_B64);
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, images));
    const { client } = await startReferenceServer({ env: backend.env(upstream.url), providerMaxRetries: 0 });
    const base = { provider: backend.provider, orgId: "org-1", userId: "user-1" };
    const [generated] = await collect(
      client.invoke({ ...base, invokeType: "image-generation", extra: { model: "gpt-image-1", prompt: "a fox", n: 1, size: "1024x1024" } }, { metadata: await authMetadata() }),
    );
    const [edited] = await collect(
      client.invoke(
        {
          ...base,
          invokeType: "image-edit-generation",
          extra: { model: "gpt-image-1", prompt: "add a hat", image: ["fox.png", `bytes:${PNG_B64}`, "image/png"], mask: `bytes:${PNG_B64}` },
        },
        { metadata: await authMetadata() },
      ),
    );

    const [generate, edit] = upstream.requests as [RecordedRequest, RecordedRequest];
    expect(generate.path).toBe(backend.path("gpt-image-1", "images/generations"));
    expect(generate.json()).toEqual({ model: "gpt-image-1", prompt: "a fox", n: 1, size: "1024x1024" });
    expect(edit.path).toBe(backend.path("gpt-image-1", "images/edits"));
    expect(edit.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    const form = edit.body.toString("latin1");
    expect(form).toMatch(/name="image"; filename="fox.png"\r\nContent-Type: image\/png/);
    expect(form).toMatch(/name="mask"; filename="image.png"\r\nContent-Type: image\/png/);
    expect(form).toContain(Buffer.from(PNG_B64, "base64").toString("latin1"));
    expect(form).toMatch(/name="prompt"\r\n\r\nadd a hat/);
    for (const message of [generated, edited]) {
      expect(message?.error).toBe("");
      expect(JSON.parse(message?.rawResponse ?? "").data[0].b64_json).toBe(PNG_B64);
      expect(JSON.parse(message?.usage ?? "")).toEqual(images.usage);
    }
  });

  it("a provider error status travels in-band; the call itself succeeds", async () => {
    const upstream = await startFakeUpstream((_request, res) =>
      sendJson(res, 429, openAIError("Rate limit reached for requests")),
    );
    const { client } = await startReferenceServer({ env: backend.env(upstream.url), providerMaxRetries: 0 });
    for (const stream of [false, true]) {
      const messages = await collect(client.invoke(chatRequest(backend.provider, stream), { metadata: await authMetadata() }));
      expect(messages).toHaveLength(1);
      expect(messages[0]?.content).toBe("");
      expect(messages[0]?.error).toMatch(new RegExp(`^${backend.provider} request failed, HTTP 429: .*Rate limit reached for requests`));
    }
    expect(upstream.requests).toHaveLength(2);
  });

  it("retries inside the SDK follow providerMaxRetries", async () => {
    let calls = 0;
    const upstream = await startFakeUpstream((_request, res) =>
      ++calls === 1 ? sendJson(res, 503, { error: { message: "overloaded" } }, { "retry-after-ms": "1" }) : sendJson(res, 200, completion),
    );
    const { client } = await startReferenceServer({ env: backend.env(upstream.url), providerMaxRetries: 1 });
    const [message] = await collect(client.invoke(chatRequest(backend.provider, false), { metadata: await authMetadata() }));
    expect(message?.content).toBe("Hi there");
    expect(upstream.requests).toHaveLength(2);
  });
});

describe("openai SDK options from the Python client", () => {
  it("extra_headers, extra_query, extra_body and timeout shape the upstream request", async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, completion));
    const { client } = await startReferenceServer({ env: openaiEnv(upstream.url), providerMaxRetries: 0 });
    await collect(
      client.invoke(
        chatRequest("openai", false, { extra_headers: { "x-trace": "t-1" }, extra_query: { debug: true }, extra_body: { seed: 7 }, timeout: 30 }),
        { metadata: await authMetadata() },
      ),
    );
    const [request] = upstream.requests as [RecordedRequest];
    expect(request.headers["x-trace"]).toBe("t-1");
    expect(request.query.get("debug")).toBe("true");
    expect(request.headers["x-stainless-timeout"]).toBe("30");
    expect(request.json()).toMatchObject({ seed: 7 });
    expect(request.json()).not.toHaveProperty("extra_headers");
    expect(request.json()).not.toHaveProperty("timeout");
  });

  it("extra_headers cannot replace the server's credentials", async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, completion));
    const { client } = await startReferenceServer({ env: openaiEnv(upstream.url), providerMaxRetries: 0 });
    const metadata = await authMetadata();
    const error = await clientErrorOf(() => collect(client.invoke(chatRequest("openai", false, { extra_headers: { Authorization: "Bearer sk-other" } }), { metadata })));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toContain("extra.extra_headers.Authorization: the server's provider credentials cannot be replaced");
    expect(upstream.requests).toHaveLength(0);
  });

  it("the upstream cannot be reached: in-band error naming the backend and the cause", async () => {
    const upstream = await startFakeUpstream(() => {});
    const url = upstream.url;
    await upstream.close();
    const { client } = await startReferenceServer({ env: openaiEnv(url), providerMaxRetries: 0 });
    const [message] = await collect(client.invoke(chatRequest("openai", false), { metadata: await authMetadata() }));
    expect(message?.error).toMatch(/^openai request failed: Connection error\..*ECONNREFUSED/);
    expect(message?.error).not.toContain(OPENAI_KEY);
  });
});
