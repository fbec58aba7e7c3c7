// Type expectations, checked by vitest's typecheck as part of `npm test`: a
// line marked @ts-expect-error that type-checks fails the run.
import { assertType, describe, expectTypeOf, it } from "vitest";
import {
  type BatchItem,
  type CallOptions,
  type InvokeRequest,
  type ModelClientOptions,
  ProviderChannels,
  TamarModelClient,
} from "tamar-model-client";

const userContext = { orgId: "o", userId: "u", clientType: "c" };

describe("channels", () => {
  it("a provider takes its own channels only", () => {
    assertType<InvokeRequest>({ provider: "azure", channel: "openai", model: "gpt-4o", messages: [], userContext });
    assertType<InvokeRequest>({ provider: "google", channel: "vertexai", model: "gemini", contents: "hi", userContext });
    assertType<InvokeRequest>({ provider: "anthropic", channel: "anthropic", model: "c", max_tokens: 1, messages: [], userContext });
    // @ts-expect-error google has no anthropic channel
    assertType<InvokeRequest>({ provider: "google", channel: "anthropic", model: "gemini", contents: "hi", userContext });
    // @ts-expect-error anthropic has no vertexai channel
    assertType<InvokeRequest>({ provider: "anthropic", channel: "vertexai", model: "c", max_tokens: 1, messages: [], userContext });
    // @ts-expect-error openai has no ai-studio channel, in a batch item either
    assertType<BatchItem>({ provider: "openai", channel: "ai-studio", model: "gpt-4o", messages: [] });
  });

  it("ProviderChannels lists them, normal first", () => {
    expectTypeOf(ProviderChannels.google).toEqualTypeOf<readonly ["normal", "ai-studio", "vertexai"]>();
    expectTypeOf(ProviderChannels.azure[1]).toEqualTypeOf<"openai">();
  });
});

describe("requests", () => {
  it("a wrong message role is a type error", () => {
    // @ts-expect-error "robot" is not a chat role
    assertType<InvokeRequest>({ provider: "openai", model: "m", messages: [{ role: "robot", content: "x" }], userContext });
  });

  it("userContext belongs on the batch, not on its items", () => {
    // @ts-expect-error batch items take no userContext
    assertType<BatchItem>({ provider: "openai", model: "m", messages: [], userContext });
  });
});

describe("options", () => {
  it("unknown option keys are type errors as well as run-time errors", () => {
    // @ts-expect-error timeoutMs is a call option, not a client option
    assertType<ModelClientOptions>({ address: "a:1", timeoutMs: 5 });
    // @ts-expect-error the call option is timeoutMs
    assertType<CallOptions>({ timeout: 5 });
  });

  it("TamarModelClient takes the address first, as the Python client", () => {
    expectTypeOf(TamarModelClient).constructorParameters.toEqualTypeOf<
      [address?: string | ModelClientOptions, options?: Omit<ModelClientOptions, "address">]
    >();
  });
});
