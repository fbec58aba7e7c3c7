import { Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { wireTenant } from "../helpers/user-context.js";

const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };
const base = wireTenant;

// [what is wrong, request, text the INVALID_ARGUMENT message must contain]
const INVALID: Array<[string, Record<string, unknown>, string]> = [
  ["no provider", { provider: "", invokeType: "chat-completions", extra: chat }, "provider is required"],
  ["unknown provider", { provider: "deepseek", invokeType: "chat-completions", extra: chat }, 'provider "deepseek" is not supported'],
  ["unknown invoke type", { provider: "openai", invokeType: "video-edit-generation", extra: chat }, 'invoke_type "video-edit-generation" is not supported for provider "openai"'],
  ["unsupported pair", { provider: "google", invokeType: "chat-completions", extra: chat }, 'invoke_type "chat-completions" is not supported for provider "google"'],
  ["unsupported channel", { provider: "openai", channel: "vertexai", invokeType: "chat-completions", extra: chat }, 'channel "vertexai" is not supported for provider "openai"'],
  ["no extra at all", { provider: "openai", invokeType: "chat-completions" }, "extra.model is required for openai chat-completions"],
  ["messages not a list", { provider: "openai", invokeType: "chat-completions", extra: { model: "m", messages: "hi" } }, "extra.messages: "],
  ["a message without role", { provider: "azure", invokeType: "chat-completions", extra: { model: "m", messages: [{ content: "hi" }] } }, "extra.messages.0.role"],
  ["max_tokens not an integer", { provider: "openai", invokeType: "chat-completions", extra: { ...chat, max_tokens: 1.5 } }, "extra.max_tokens: must be an integer"],
  ["max_tokens a string", { provider: "openai", invokeType: "chat-completions", extra: { ...chat, max_tokens: "100" } }, "extra.max_tokens: "],
  ["responses without input", { provider: "openai", invokeType: "responses", extra: { model: "m" } }, "extra.input is required for openai responses"],
  ["anthropic without max_tokens", { provider: "anthropic", invokeType: "messages", extra: chat }, "extra.max_tokens is required for anthropic messages"],
  ["google setting outside config", { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi", temperature: 0.2 } }, "extra.temperature: not a parameter of Google generateContent"],
  ["google config not an object", { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi", config: "x" } }, "extra.config: "],
  ["google max_output_tokens (snake_case) zero", { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi", config: { max_output_tokens: 0 } } }, "extra.config.maxOutputTokens: must be at least 1"],
  ["image edit without image", { provider: "openai", invokeType: "image-edit-generation", extra: { prompt: "p" } }, "extra.image is required"],
  ["image not a bytes: string", { provider: "openai", invokeType: "image-edit-generation", extra: { prompt: "p", image: "https://x/fox.png" } }, "extra.image: expected \"bytes:<base64>\""],
  ["image with bad base64", { provider: "openai", invokeType: "image-edit-generation", extra: { prompt: "p", image: ["fox.png", "bytes:%%%", "image/png"] } }, "extra.image"],
  ["credential header override", { provider: "openai", invokeType: "chat-completions", extra: { ...chat, extra_headers: { Authorization: "Bearer mine" } } }, "extra.extra_headers.Authorization"],
  ["async task flag not a boolean", { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi", enable_async_task: "yes" } }, "extra.enable_async_task: must be true or false"],
  ["a video without a prompt", { provider: "openai", invokeType: "video-generation", extra: { model: "sora-2" } }, "extra.prompt is required for openai video-generation"],
];

describe("server-side validation", () => {
  it.each(INVALID)("%s → INVALID_ARGUMENT naming it; the server keeps serving", async (_name, fields, message) => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await authMetadata();
    const error = await clientErrorOf(() => collect(client.invoke({ ...base, ...fields }, { metadata })));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toContain(message);
    // the same item in a batch fails alone, in-band
    const batch = await client.batchInvoke({ items: [{ ...base, ...fields, customId: "bad" }, { ...base, provider: "openai", invokeType: "chat-completions", extra: chat, customId: "good" }] }, { metadata });
    expect(batch.items[0]).toMatchObject({ customId: "bad", content: "" });
    expect(batch.items[0]?.error).toBe(`INVALID_ARGUMENT: ${error.details}`);
    expect(batch.items[1]).toMatchObject({ customId: "good", error: "" });
    const [ok] = await collect(client.invoke({ ...base, provider: "openai", invokeType: "chat-completions", extra: chat }, { metadata }));
    expect(ok?.error).toBe("");
  });

  it("accepts what the Python client sends: unset channel / invoke type, stream and None-free extras", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await authMetadata();
    // invoke_type "" is the proto default: the wire default "generation" (Responses API for OpenAI)
    const [message] = await collect(client.invoke({ ...base, provider: "openai", extra: { model: "m", input: "hi", stream: false, user: "u" } }, { metadata }));
    expect(message?.content).toMatch(/^\[openai\/generation\/m\]/);
  });

  it("an oversized request → RESOURCE_EXHAUSTED, and the server keeps serving", async () => {
    const { client } = await startReferenceServer({ offline: true, maxReceiveMessageBytes: 64 * 1024 });
    const metadata = await authMetadata();
    const huge = { model: "m", messages: [{ role: "user", content: "x".repeat(100 * 1024) }] };
    const error = await clientErrorOf(() => collect(client.invoke({ ...base, provider: "openai", invokeType: "chat-completions", extra: huge }, { metadata })));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    const batchError = await clientErrorOf(() => client.batchInvoke({ items: [{ ...base, provider: "openai", invokeType: "chat-completions", extra: huge }] }, { metadata }));
    expect(batchError.code).toBe(Status.RESOURCE_EXHAUSTED);
    const [ok] = await collect(client.invoke({ ...base, provider: "openai", invokeType: "chat-completions", extra: chat }, { metadata }));
    expect(ok?.error).toBe("");
  });

  it("a request id that is not printable ASCII → INVALID_ARGUMENT", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await authMetadata({ "x-request-id": "has space" });
    const error = await clientErrorOf(() => collect(client.invoke({ ...base, provider: "openai", invokeType: "chat-completions", extra: chat }, { metadata })));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toContain("x-request-id");
  });
});

describe("provider configuration", () => {
  it("a provider without credentials on a server that has others → FAILED_PRECONDITION naming the variables", async () => {
    const { client, server } = await startReferenceServer({ env: { OPENAI_API_KEY: "sk-test-0123456789" } });
    expect(server.offline).toBe(false);
    expect(server.backends).toEqual(["openai"]);
    const metadata = await authMetadata();
    const error = await clientErrorOf(() =>
      collect(client.invoke({ ...base, provider: "anthropic", invokeType: "messages", extra: { ...chat, max_tokens: 5 } }, { metadata })),
    );
    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    expect(error.details).toContain("ANTHROPIC_API_KEY");
    const batch = await client.batchInvoke({ items: [{ ...base, provider: "azure", invokeType: "chat-completions", extra: chat }] }, { metadata });
    expect(batch.items[0]?.error).toMatch(/^FAILED_PRECONDITION: .*AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and OPENAI_API_VERSION/);
  });

  it("a missing provider SDK package → FAILED_PRECONDITION naming the package", async () => {
    const importModule = async (specifier: string) => {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: "ERR_MODULE_NOT_FOUND" });
    };
    const { client } = await startReferenceServer({ env: { OPENAI_API_KEY: "sk-test-0123456789", ANTHROPIC_API_KEY: "sk-ant-0123456789" }, importModule });
    const metadata = await authMetadata();
    for (const [fields, name] of [
      [{ provider: "openai", invokeType: "chat-completions", extra: chat }, "openai"],
      [{ provider: "anthropic", invokeType: "messages", extra: { ...chat, max_tokens: 5 } }, "@anthropic-ai/sdk"],
    ] as const) {
      for (const stream of [false, true]) {
        const error = await clientErrorOf(() => collect(client.invoke({ ...base, ...fields, stream }, { metadata })));
        expect(error.code).toBe(Status.FAILED_PRECONDITION);
        expect(error.details).toContain(`needs the optional package "${name}"`);
        expect(error.details).toContain(`npm install ${name}`);
      }
    }
  });

  it("bad settings fail at start-up, naming the setting", async () => {
    await expect(startReferenceServer({ port: 70_000 })).rejects.toMatchObject({ setting: "port" });
    await expect(startReferenceServer({ batchConcurrency: 0 })).rejects.toMatchObject({ setting: "batchConcurrency" });
    await expect(startReferenceServer({ env: { TAMAR_MODEL_SERVER_BATCH_CONCURRENCY: "many" } })).rejects.toMatchObject({
      setting: "TAMAR_MODEL_SERVER_BATCH_CONCURRENCY",
    });
    await expect(startReferenceServer({ env: { TAMAR_MODEL_SERVER_OFFLINE: "maybe" } })).rejects.toMatchObject({ setting: "TAMAR_MODEL_SERVER_OFFLINE" });
    await expect(startReferenceServer({ env: { OPENAI_API_KEY: "sk-0123456789", OPENAI_BASE_URL: "not a url" } })).rejects.toMatchObject({
      setting: "OPENAI_BASE_URL",
    });
    await expect(startReferenceServer({ env: { AZURE_OPENAI_API_KEY: "k-0123456789" } })).rejects.toMatchObject({
      setting: "AZURE_OPENAI_ENDPOINT",
      message: expect.stringContaining("AZURE_OPENAI_ENDPOINT, OPENAI_API_VERSION are missing"),
    });
    await expect(startReferenceServer({ jwtSecretKey: " " })).rejects.toMatchObject({ setting: "jwtSecretKey" });
  });
});
