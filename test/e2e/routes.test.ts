// Routes the client and the server agree on: the channels each provider has
// (the original README's Azure example sends channel "openai"), checked by the
// client before any I/O, and `{ file_id }` inputs, which this server cannot
// resolve and refuses with FAILED_PRECONDITION saying what to send instead.
import { Status } from "nice-grpc-common";
import { describe, expect, it } from "vitest";
import { invoke, InvalidArgumentError, type InvokeRequest, ProviderChannels, ValidationError } from "tamar-model-client";
import { startFakeUpstream } from "../helpers/fake-upstream.js";
import { openAIApi } from "../helpers/provider-wire/openai.js";
import { prepareCall } from "../../src/server/routing/prepare-call.js";
import { AZURE_API_VERSION, failureOf, startStack, userContext } from "./helpers/stack.js";

describe("channels", () => {
  it("the original README's Azure example (provider azure, channel openai) reaches Azure OpenAI", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startStack({ azure: upstream.url });
    const answer = await invoke(client, {
      provider: "azure",
      channel: "openai",
      invokeType: "chat-completions",
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello" }],
      userContext,
    });
    expect(answer.content).toBe("Hi there");
    expect(upstream.requests.map((request) => request.url)).toEqual([
      `/openai/deployments/gpt-4o-mini/chat/completions?api-version=${AZURE_API_VERSION}`,
    ]);
  });

  it("every channel the client allows is one the server routes, and no other", () => {
    const item = (provider: string, channel: string) => ({
      provider,
      channel,
      invokeType: provider === "anthropic" ? "messages" : provider === "google" ? "generation" : "chat-completions",
      stream: false,
      orgId: "o",
      userId: "u",
      clientType: "",
      extra: provider === "google" ? { model: "m", contents: "x" } : { model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 1 },
    });
    const everyChannel = [...new Set(Object.values(ProviderChannels).flat())];
    for (const [provider, channels] of Object.entries(ProviderChannels)) {
      for (const channel of everyChannel) {
        const route = () => prepareCall(item(provider, channel) as never, () => "google-ai-studio");
        if ((channels as readonly string[]).includes(channel)) expect(route, `${provider}/${channel}`).not.toThrow();
        else expect(route, `${provider}/${channel}`).toThrow(/channel .* is not supported/);
      }
    }
  });

  it("a channel the provider does not have is a ValidationError naming channel, before any I/O", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startStack({ openai: upstream.url });
    const error = await failureOf(() =>
      invoke(client, { provider: "google", channel: "anthropic", model: "gemini-2.5-flash", contents: "hi", userContext } as never),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: "channel", message: expect.stringMatching(/"normal" \| "ai-studio" \| "vertexai"/) }]);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("{ file_id } inputs", () => {
  it.each([
    ["image", { image: { file_id: "file-123" } }, "extra.image"],
    ["one of the images", { image: [new Uint8Array([1, 2]), { file_id: "file-9" }] }, "extra.image.1"],
    ["mask", { image: new Uint8Array([1, 2]), mask: { file_id: "file-7" } }, "extra.mask"],
  ])("a %s by file id: the client sends it, the server refuses with FAILED_PRECONDITION saying why", async (_, files, path) => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startStack({ openai: upstream.url });
    const request = { provider: "openai", prompt: "a fox", ...files, userContext } as InvokeRequest;
    const error = await failureOf(() => invoke(client, request));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe(Status.FAILED_PRECONDITION);
    expect((error as Error).message).toContain(`${path}: { file_id } references a file store, and this server has none`);
    expect((error as Error).message).toMatch(/send the bytes instead/);
    expect(upstream.requests).toHaveLength(0);
  });
});
