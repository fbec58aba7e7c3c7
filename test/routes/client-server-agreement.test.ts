/**
 * The client and the reference server agree on every route: each
 * (provider, invoke type) pair the client accepts, the server routes, and
 * every pair the client refuses, the server refuses too. Checked on the real
 * request builder and the server's real routing, not on the table they share.
 */
import { describe, expect, it } from "vitest";
import {
  type AsyncInvokeRequestOf,
  type DirectPairName,
  InvokeType,
  ProviderType,
  type InvokeRequestOf,
  type RequestPairName,
} from "tamar-model-client";
import { buildInvokeRequest } from "../../src/client/request/build-request.js";
import { findPair } from "../../src/routes/find-pair.js";
import { PAIRS, PROVIDERS } from "../../src/routes/route-table.js";
import { prepareCall, routeOf } from "../../src/server/routing/prepare-call.js";
import { userContext } from "../helpers/setup.js";

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// The smallest valid request of each pair, without routing fields; a pair
// added to the table without one here fails to compile.
type Sample<K extends RequestPairName> = Omit<K extends DirectPairName ? InvokeRequestOf<K> : AsyncInvokeRequestOf<K>, "provider" | "invokeType" | "userContext">;
const SAMPLES: { [K in RequestPairName]: Sample<K> } = {
  openaiChatCompletions: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
  openaiResponses: { model: "gpt-4o-mini", input: "Hi" },
  openaiImageGeneration: { prompt: "a cat" },
  openaiImageEdit: { prompt: "a hat on the cat", image: PNG_BYTES },
  openaiVideoGeneration: { prompt: "a cat", model: "sora-2", enableAsyncTask: true },
  googleGeneration: { model: "gemini-2.0-flash", contents: "Hi" },
  googleVertexImageGeneration: { model: "imagen-3.0-generate-002", prompt: "a cat" },
  googleGenAIImageGeneration: { model: "imagen-3.0-generate-002", prompt: "a cat", config: { numberOfImages: 1 } },
  googleGenAIVideoGeneration: { model: "veo-3.0-generate-001", prompt: "a cat", enableAsyncTask: true },
  anthropicMessages: { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] },
};

const providers = [...Object.values(ProviderType), "", "mistral", "constructor"];
const invokeTypes = [...Object.values(InvokeType), "", "embeddings", "constructor"];
const googleDefault = () => "google-ai-studio" as const;

describe("client ↔ server route agreement", () => {
  for (const provider of providers) {
    for (const invokeType of invokeTypes) {
      const pair = findPair(provider, invokeType);
      it(`${provider || '""'} × ${invokeType || '""'}: ${pair ? `both route it (${pair})` : "both refuse it"}`, async () => {
        if (pair === undefined) {
          // The server's wire default for an unset invoke_type is "generation": only a named one is refused as such.
          if (invokeType !== "") expect(routeOf(provider, invokeType)).toBeUndefined();
          const item = { provider, channel: "", invokeType, stream: false, orgId: "o", userId: "u", clientType: "t", extra: {} };
          if (invokeType !== "" || routeOf(provider, "generation") === undefined) {
            expect(() => prepareCall(item, googleDefault)).toThrow(/not supported|is required/);
          }
          await expect(
            buildInvokeRequest({ provider, invokeType, userContext, ...SAMPLES.openaiChatCompletions } as never, false),
          ).rejects.toMatchObject({ name: "ValidationError" });
          return;
        }
        const { item } = await buildInvokeRequest({ provider, invokeType, userContext, ...SAMPLES[pair] } as never, false);
        const prepared = prepareCall(item, googleDefault);
        expect(prepared.invokeType).toBe(invokeType);
        expect(routeOf(provider, invokeType)).toBe(PAIRS[pair].params);
      });
    }
  }

  it("every channel of every provider in the table reaches a backend on the server", async () => {
    for (const [provider, { channels }] of Object.entries(PROVIDERS)) {
      const pair = (Object.keys(PAIRS) as RequestPairName[]).find((name) => (PAIRS[name].providers as readonly string[]).includes(provider))!;
      for (const channel of channels) {
        const { item } = await buildInvokeRequest({ provider, channel, userContext, ...SAMPLES[pair] } as never, false);
        expect(prepareCall(item, googleDefault).backend).toBeTypeOf("string");
      }
    }
  });
});
