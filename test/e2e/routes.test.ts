// Routes the client and the server agree on: the channels each provider has
// (the original README's Azure example sends channel "openai"), checked by the
// client before any I/O, and `{ file_id }` inputs, which this server cannot
// resolve and refuses with FAILED_PRECONDITION saying what to send instead.
import { Status } from "nice-grpc-common";
import { describe, expect, it } from "vitest";
import { invoke, InvalidArgumentError, type InvokeRequest, ProviderChannels, ValidationError } from "tamar-model-client";
import { startFakeUpstream } from "../helpers/fake-upstream.js";
import { openAIApi } from "../helpers/provider-wire/openai.js";
import { buildInvokeRequest } from "../../src/client/request/build-request.js";
import { PAIRS, type PairName } from "../../src/routes/route-table.js";
import { prepareCall } from "../../src/server/routing/prepare-call.js";
import { PAIR_SAMPLES } from "../helpers/pair-samples.js";
import { ANTHROPIC_KEY, AZURE_API_VERSION, failureOf, startStack, userContext } from "./helpers/stack.js";

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

  it("every channel the client allows is one the server routes, and no other (each provider's own pair sample)", async () => {
    const everyChannel = [...new Set(Object.values(ProviderChannels).flat())];
    for (const [provider, channels] of Object.entries(ProviderChannels)) {
      const pair = (Object.keys(PAIRS) as PairName[]).find((name) => (PAIRS[name].providers as readonly string[]).includes(provider));
      // kling-ai has no pair: the server refuses its every invoke type (test/routes/client-server-agreement.test.ts).
      if (pair === undefined) continue;
      const request = { provider, invokeType: PAIRS[pair].invokeType, userContext, ...PAIR_SAMPLES[pair] };
      const { item } = await buildInvokeRequest(request as never, false);
      for (const channel of everyChannel) {
        const route = () => prepareCall({ ...item, channel }, () => "google-ai-studio");
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

describe("Anthropic's OpenAI-shaped pairs", () => {
  it("anthropic + chat-completions reaches Anthropic's OpenAI-compatible endpoint with the Anthropic key, through the openai SDK", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startStack({ anthropic: upstream.url });
    const answer = await invoke(client, {
      provider: "anthropic",
      invokeType: "chat-completions",
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 50,
      userContext,
    });
    expect(answer.content).toBe("Hi there");
    const [request] = upstream.requests;
    expect(request!.url).toBe("/v1/chat/completions");
    expect(request!.headers["authorization"]).toBe(`Bearer ${ANTHROPIC_KEY}`);
    expect(JSON.parse(request!.body.toString())).toEqual({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hello" }], max_tokens: 50, stream: false });
  });

  it("anthropic + responses is refused with FAILED_PRECONDITION saying why, and nothing reaches Anthropic", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startStack({ anthropic: upstream.url });
    const error = await failureOf(() => invoke(client, { provider: "anthropic", invokeType: "responses", model: "claude-sonnet-4-5", input: "Hello", userContext }));
    expect((error as InvalidArgumentError).code).toBe(Status.FAILED_PRECONDITION);
    expect((error as Error).message).toContain("Anthropic has no Responses API");
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("providers without an official SDK (fal-ai, freepik, bfl, byteplus, doubao, xfusionai, tuzi)", () => {
  it("with providers configured, a call for one is FAILED_PRECONDITION naming the backend — never a silent offline answer", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { client } = await startStack({ openai: upstream.url });
    const error = await failureOf(() => invoke(client, { provider: "fal-ai", model: "fal-ai/z-image/turbo", prompt: "a cat", userContext }));
    expect((error as InvalidArgumentError).code).toBe(Status.FAILED_PRECONDITION);
    expect((error as Error).message).toContain("the fal-ai backend has no provider in this reference server");
    expect(upstream.requests).toHaveLength(0);
  });
});
