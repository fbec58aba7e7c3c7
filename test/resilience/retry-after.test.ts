// The server's back-off hint, end to end: a provider answers 429 with
// Retry-After, the reference server (its own process) passes the wait on as a
// `retry-after-ms` trailer, and the client waits that long when it fits in the
// call's deadline, or fails at once when it does not.
import { describe, expect, it } from "vitest";
import { createModelClient, DeadlineExceededError, invoke, invokeStream, ProviderError, type InvokeRequest } from "tamar-model-client";
import { sendJson, startFakeUpstream, type UpstreamHandler } from "../helpers/fake-upstream.js";
import { chatCompletion, openAIError, writeChatStream } from "../helpers/provider-wire/openai.js";
import { SECRET, TENANT } from "../helpers/tokens.js";
import { startServerProcess } from "./helpers/server-process.js";

const request: InvokeRequest = {
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello" }],
  userContext: { ...TENANT, clientType: "resilience" },
};

/** Answers every odd request 429 with `headers`, every even one normally (streamed when asked). */
function rateLimitedOnce(headers: Record<string, string>): UpstreamHandler {
  let calls = 0;
  return (req, res) => {
    if (++calls % 2 === 1) return sendJson(res, 429, openAIError("Rate limit reached for gpt-4o-mini"), headers);
    if (req.json().stream) return writeChatStream(res, ["Hi", " there"]);
    return sendJson(res, 200, chatCompletion({ text: "Hi there" }));
  };
}

async function stack(handler: UpstreamHandler) {
  const upstream = await startFakeUpstream(handler);
  const server = await startServerProcess({
    args: ["--provider-max-retries", "0"],
    env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${upstream.url}/v1` },
  });
  // A 1 ms backoff: any longer wait is the hint's.
  const client = createModelClient({ address: server.address, useTls: false, jwtSecretKey: SECRET, env: {}, envFile: false, retryDelayMs: 1 });
  return { upstream, client };
}


describe("a provider's Retry-After", () => {
  it("within the deadline: the client waits the hinted time, then the retry succeeds (invoke and invokeStream)", async () => {
    const times: number[] = [];
    const handler = rateLimitedOnce({ "retry-after": "0.4" });
    const { upstream, client } = await stack((req, res) => {
      times.push(performance.now());
      return handler(req, res);
    });
    try {
      expect((await invoke(client, request, { timeoutMs: 10_000 })).content).toBe("Hi there");
      let text = "";
      for await (const chunk of invokeStream(client, request, { timeoutMs: 10_000 })) text += chunk.content ?? "";
      expect(text).toBe("Hi there");
      expect(upstream.requests).toHaveLength(4);
      // The client's own backoff is ~1 ms; the hint says 400 ms.
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(400);
      expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(400);
    } finally {
      await client.close();
    }
  });

  it("beyond the deadline: the call fails at once with the provider's rate-limit error, not at its deadline", async () => {
    const { upstream, client } = await stack(rateLimitedOnce({ "retry-after": "30" }));
    try {
      const started = performance.now();
      const error = await invoke(client, request, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).not.toBeInstanceOf(DeadlineExceededError);
      expect((error as ProviderError).kind).toBe("rate_limit");
      expect(upstream.requests).toHaveLength(1);
      // Waiting would have ended in a DeadlineExceededError at 5 s.
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await client.close();
    }
  });

  it("no hint: a provider's 429 is not retried by the client (the server's SDK already had its retries)", async () => {
    const { upstream, client } = await stack(rateLimitedOnce({}));
    try {
      await expect(invoke(client, request, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(ProviderError);
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});
