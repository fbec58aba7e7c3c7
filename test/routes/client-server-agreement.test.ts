/**
 * The client and the reference server agree on every route: each
 * (provider, invoke type) pair the client accepts, the server routes, and
 * every pair the client refuses, the server refuses too. Checked on the real
 * request builder and the server's real routing, not on the table they share.
 */
import { describe, expect, it } from "vitest";
import { InvokeType, ProviderType, type RequestPairName } from "tamar-model-client";
import { buildInvokeRequest } from "../../src/client/request/build-request.js";
import { findPair } from "../../src/routes/find-pair.js";
import { PAIRS, PROVIDERS } from "../../src/routes/route-table.js";
import { prepareCall, routeOf } from "../../src/server/routing/prepare-call.js";
import { PAIR_SAMPLES as SAMPLES } from "../helpers/pair-samples.js";
import { userContext } from "../helpers/setup.js";

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
        expect(routeOf(provider, invokeType)).toBe(PAIRS[pair].params);
        if (pair === "anthropicResponses") {
          // Routed, then refused with the reason: no backend serves it (README: Anthropic's OpenAI-shaped pairs).
          expect(() => prepareCall(item, googleDefault)).toThrow(/FAILED_PRECONDITION: anthropic responses: Anthropic has no Responses API/);
          return;
        }
        const prepared = prepareCall(item, googleDefault);
        expect(prepared.invokeType).toBe(invokeType);
      });
    }
  }

  it("every channel of every provider in the table reaches a backend on the server", async () => {
    for (const [provider, { channels }] of Object.entries(PROVIDERS)) {
      const pair = (Object.keys(PAIRS) as RequestPairName[]).find((name) => (PAIRS[name].providers as readonly string[]).includes(provider));
      // kling-ai: no checked pair (test/schemas/unchecked.test.ts sends it unchecked).
      if (pair === undefined) continue;
      for (const channel of channels) {
        const { item } = await buildInvokeRequest({ provider, channel, userContext, ...SAMPLES[pair] } as never, false);
        expect(prepareCall(item, googleDefault).backend).toBeTypeOf("string");
      }
    }
  });
});
