// invokeType inference and channel default, seen on the wire by a real server.
import { connectivityState } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { type InvokeRequest, invoke, ValidationError } from "tamar-model-client";
import { buildInvokeRequest } from "tamar-model-client/middleware";
import { setup, userContext } from "../helpers/setup.js";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

// Every (provider, invokeType) pair, without an invokeType: what is inferred.
const cases: [string, InvokeRequest, string][] = [
  ["openai chat", { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext }, "chat-completions"],
  ["azure chat", { provider: "azure", model: "gpt-4o", messages: [{ role: "user", content: "hi" }], userContext }, "chat-completions"],
  ["openai responses", { provider: "openai", model: "gpt-4.1", input: "hi", userContext }, "responses"],
  ["azure responses", { provider: "azure", model: "gpt-4.1", input: [{ role: "user", content: "hi" }], userContext }, "responses"],
  ["openai image", { provider: "openai", model: "gpt-image-1", prompt: "a cat", userContext }, "image-generation"],
  ["azure image", { provider: "azure", prompt: "a cat", quality: "high", userContext }, "image-generation"],
  ["openai image edit", { provider: "openai", prompt: "hat", image: png, userContext }, "image-edit-generation"],
  ["azure image edit", { provider: "azure", prompt: "hat", image: [png, png], userContext }, "image-edit-generation"],
  ["google generation", { provider: "google", model: "gemini-2.5-flash", contents: "hi", userContext }, "generation"],
  ["google vertex image", { provider: "google", model: "imagen-3.0", prompt: "a cat", number_of_images: 1, userContext }, "image-generation"],
  ["google genai image", { provider: "google", model: "imagen-4.0", prompt: "a cat", config: { numberOfImages: 1 }, userContext }, "image-generation-genai"],
  ["anthropic", { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 100, messages: [{ role: "user", content: "hi" }], userContext }, "messages"],
];

describe("invokeType inference", () => {
  it.each(cases)("%s is sent as the inferred invoke type with channel normal", async (_name, request, invokeType) => {
    const { server, client } = await setup();
    await invoke(client, request);
    const sent = server.calls[0]!.request as { invokeType: string; channel: string; provider: string };
    expect(sent).toMatchObject({ invokeType, channel: "normal", provider: (request as { provider: string }).provider });
  });

  it("sends an explicit invokeType and channel as given (Python's generation alias included)", async () => {
    const { server, client } = await setup();
    await invoke(client, { provider: "openai", invokeType: "generation", channel: "openai", model: "m", input: "x", userContext });
    expect(server.calls[0]!.request).toMatchObject({ invokeType: "generation", channel: "openai" });
  });

  it("the seed README's basic example (OpenAI + messages, no invokeType) builds a chat-completions request", async () => {
    const { item } = await buildInvokeRequest(
      { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }], max_tokens: 1000, userContext },
      false,
    );
    expect(item).toMatchObject({ invokeType: "chat-completions", channel: "normal", stream: false });
    expect(item.extra).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }], max_tokens: 1000 });
  });

  it("a request whose type cannot be inferred is a ValidationError naming invokeType, before any I/O", async () => {
    const { server, client } = await setup();
    const error = await invoke(client, { provider: "openai", model: "m", userContext } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: "invokeType", message: expect.stringContaining("cannot be inferred") }]);
    expect(server.calls).toHaveLength(0);
    expect(client.channel.getConnectivityState(false)).toBe(connectivityState.IDLE);
  });
});
