// Fallback and circuit breakers end to end: the reference server in its own
// process, the official OpenAI and Anthropic SDKs inside it talking to fake
// providers on loopback in their real wire formats.
import { describe, expect, it } from "vitest";
import {
  CircuitOpenError,
  createModelClient,
  invoke,
  invokeStream,
  ProviderError,
  UnavailableError,
  type InvokeRequest,
  type ModelClientOptions,
  type ModelResponse,
} from "tamar-model-client";
import { sendJson, sseEvent, startFakeUpstream, startSse, type UpstreamHandler } from "../helpers/fake-upstream.js";
import { anthropicApi, anthropicError } from "../helpers/provider-wire/anthropic.js";
import { chatChunk, openAIApi, openAIError, responseObject } from "../helpers/provider-wire/openai.js";
import { SECRET, TENANT } from "../helpers/tokens.js";
import { userContextFor } from "../helpers/user-context.js";
import { startServerProcess } from "./helpers/server-process.js";

const userContext = userContextFor("resilience");
const chat: InvokeRequest = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], userContext };
const toClaude = { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 64 } as const;

async function stack(clientOptions: ModelClientOptions = {}) {
  const handlers: { openai: UpstreamHandler; anthropic: UpstreamHandler } = { openai: openAIApi, anthropic: anthropicApi };
  const openai = await startFakeUpstream((req, res) => handlers.openai(req, res));
  const anthropic = await startFakeUpstream((req, res) => handlers.anthropic(req, res));
  const server = await startServerProcess({
    args: ["--provider-max-retries", "0"],
    env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${openai.url}/v1`, ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: anthropic.url },
  });
  const client = createModelClient({
    address: server.address,
    useTls: false,
    jwtSecretKey: SECRET,
    env: {},
    envFile: false,
    retryDelayMs: 1,
    ...clientOptions,
  });
  return { handlers, openai, anthropic, client, server };
}

const text = (chunks: ModelResponse[]) => chunks.map((chunk) => chunk.content ?? "").join("");

describe("fallback across providers through the reference server", () => {
  it("429 from OpenAI → Anthropic answers; a stream falls back before content, never after", async () => {
    const { handlers, openai, anthropic, client } = await stack();
    try {
      // invoke: OpenAI rate-limits, Anthropic answers.
      handlers.openai = (_req, res) => sendJson(res, 429, openAIError("Rate limit reached for gpt-4o-mini"));
      const response = await invoke(client, chat, { fallbacks: [toClaude] });
      expect(response.content).toBe("Hi there");
      expect(response.route).toMatchObject({ index: 1, provider: "anthropic", model: "claude-sonnet-4" });
      expect(response.attempts![0]!.error).toMatchObject({ name: "ProviderError", kind: "rate_limit" });
      expect([openai.requests.length, anthropic.requests.length]).toEqual([1, 1]);

      // A Responses stream that opens with response.created and then fails
      // (insufficient_quota): metadata only, so it falls back, and the caller
      // gets Anthropic's answer alone.
      handlers.openai = (_req, res) => {
        startSse(res);
        const created = { type: "response.created", sequence_number: 0, response: { ...responseObject(), status: "in_progress", output: [], usage: null } };
        res.write(sseEvent(created, created.type));
        res.end(sseEvent({ type: "error", code: "insufficient_quota", message: "You exceeded your current quota", param: null, sequence_number: 1 }, "error"));
      };
      const responses = { provider: "openai", model: "gpt-4.1", input: "Hello", userContext } as const;
      const chunks: ModelResponse[] = [];
      for await (const chunk of invokeStream(client, responses, { fallbacks: [{ ...toClaude, input: undefined, messages: [{ role: "user", content: "Hello" }] }] })) {
        chunks.push(chunk);
      }
      expect(text(chunks)).toBe("Hi there");
      expect(chunks.every((chunk) => chunk.route?.provider === "anthropic")).toBe(true);
      expect(chunks.some((chunk) => JSON.stringify(chunk.rawResponse ?? "").includes("response.created"))).toBe(false);
      expect([openai.requests.length, anthropic.requests.length]).toEqual([2, 2]);

      // A chat stream that fails after its first text: the stream's error, no second answer.
      handlers.openai = (_req, res) => {
        startSse(res);
        res.write(sseEvent(chatChunk({ role: "assistant", content: "Hel" })));
        res.end(sseEvent({ error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null } }));
      };
      const partial: ModelResponse[] = [];
      const error = await (async () => {
        for await (const chunk of invokeStream(client, chat, { fallbacks: [toClaude] })) partial.push(chunk);
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(text(partial)).toBe("Hel");
      expect([openai.requests.length, anthropic.requests.length]).toEqual([3, 2]);
    } finally {
      await client.close();
    }
  });

  it("a provider's outage opens the route's breaker (no provider request while open); the half-open probe closes it", async () => {
    const { handlers, openai, client } = await stack({ maxRetries: 0, circuitBreaker: { failureThreshold: 2, cooldownMs: 300 } });
    try {
      handlers.openai = (_req, res) => sendJson(res, 503, openAIError("The engine is currently overloaded", null as never, "server_error"));
      handlers.anthropic = (_req, res) => sendJson(res, 529, anthropicError("overloaded_error", "Overloaded"));
      for (let i = 0; i < 2; i++) await expect(invoke(client, chat)).rejects.toMatchObject({ name: "ProviderError", kind: "overloaded" });
      const open = (await invoke(client, chat).catch((e: unknown) => e)) as CircuitOpenError;
      expect(open).toBeInstanceOf(CircuitOpenError);
      expect(openai.requests).toHaveLength(2);
      // With a fallback whose provider is down too: both routes' errors.
      await expect(invoke(client, chat, { fallbacks: [toClaude] })).rejects.toMatchObject({
        name: "FallbackExhaustedError",
        attempts: [{ error: expect.any(CircuitOpenError) }, { error: expect.objectContaining({ kind: "overloaded" }) }],
      });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, open.probeAt.getTime() - Date.now()) + 5));
      handlers.openai = openAIApi;
      expect((await invoke(client, chat)).content).toBe("Hi there");
      expect(client.circuitStates().find((state) => state.provider === "openai")).toMatchObject({ state: "closed" });
    } finally {
      await client.close();
    }
  });

  it("a killed server process opens the breaker; after a restart on the same port the probe closes it", async () => {
    const { client, server } = await stack({ maxRetries: 0, circuitBreaker: { failureThreshold: 2, cooldownMs: 300 } });
    try {
      expect((await invoke(client, chat)).content).toBe("Hi there");
      server.cli.child.kill("SIGKILL");
      await server.cli.exited;
      for (let i = 0; i < 2; i++) await expect(invoke(client, chat)).rejects.toBeInstanceOf(UnavailableError);
      const open = (await invoke(client, chat).catch((e: unknown) => e)) as CircuitOpenError;
      expect(open).toBeInstanceOf(CircuitOpenError);
      expect(open.route.address).toBe(server.address);
      await startServerProcess({ port: server.port, env: { TAMAR_MODEL_SERVER_OFFLINE: "true" } });
      // Each probe either finds the server (the channel reconnects on its own
      // backoff) or opens the breaker again; calls between probes cost nothing.
      let probeAt = open.probeAt;
      let answer: string | undefined;
      for (let round = 0; answer === undefined && round < 20; round++) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, probeAt.getTime() - Date.now()) + 5));
        try {
          answer = (await invoke(client, chat)).content;
        } catch (error) {
          expect(error).toBeInstanceOf(UnavailableError);
          const refused = (await invoke(client, chat).catch((e: unknown) => e)) as CircuitOpenError;
          expect(refused).toBeInstanceOf(CircuitOpenError);
          probeAt = refused.probeAt;
        }
      }
      expect(answer).toBeTruthy();
      expect(client.circuitStates()[0]).toMatchObject({ state: "closed" });
    } finally {
      await client.close();
    }
  });
});
