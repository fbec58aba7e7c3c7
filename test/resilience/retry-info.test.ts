// The back-off hint in its standard form: google.rpc.RetryInfo in the
// `grpc-status-details-bin` trailer. The reference server sends it beside its
// own `retry-after-ms`; the client reads either (RetryInfo first), so it
// works with a server that sends only one of them — a grpcio server using
// `rpc_status` sends only RetryInfo, an older Model Manager only the trailer.
import { describe, expect, it } from "vitest";
import { Metadata, ServerError, Status } from "nice-grpc";
import { createModelClient, DeadlineExceededError, invoke, invokeStream, ProviderError, RateLimitError, type InvokeRequest } from "tamar-model-client";
import { buildInvokeRequest } from "tamar-model-client/middleware";
import { encodeRetryStatus, retryDelayMsOfStatus, STATUS_DETAILS_TRAILER } from "../../src/internal/retry-hint.js";
import { sendJson, startFakeUpstream } from "../helpers/fake-upstream.js";
import { chatCompletion, openAIError } from "../helpers/provider-wire/openai.js";
import { FINISHED, startScriptedServer, type InvokeHandler } from "../helpers/scripted-server.js";
import { SECRET } from "../helpers/tokens.js";
import { userContextFor } from "../helpers/user-context.js";
import { startServerProcess } from "./helpers/server-process.js";

const request: InvokeRequest = {
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello" }],
  userContext: userContextFor("retry-info"),
};

type Hint = { retryInfoMs?: number; trailerMs?: number };

function hintTrailer({ retryInfoMs, trailerMs }: Hint): Metadata {
  const trailer = Metadata();
  if (retryInfoMs !== undefined) trailer.set(STATUS_DETAILS_TRAILER, encodeRetryStatus(Status.RESOURCE_EXHAUSTED, "slow down", retryInfoMs));
  if (trailerMs !== undefined) trailer.set("retry-after-ms", String(trailerMs));
  return trailer;
}

/** A server that fails the first attempt with RESOURCE_EXHAUSTED and `hint`, then answers. */
async function scripted(hint: Hint) {
  const server = await startScriptedServer({ jwtSecret: SECRET });
  const times: number[] = [];
  const handler: InvokeHandler = async function* (_request, context) {
    times.push(performance.now());
    if (times.length === 1) {
      for (const [key, values] of hintTrailer(hint)) for (const value of values) context.trailer.set(key, value as never);
      throw new ServerError(Status.RESOURCE_EXHAUSTED, "rate limited upstream");
    }
    yield { content: "Hi there", ...FINISHED };
  };
  server.invoke = handler;
  const client = createModelClient({ address: server.address, useTls: false, jwtSecretKey: SECRET, env: {}, envFile: false, retryDelayMs: 1 });
  return { server, client, times };
}

describe("the google.rpc.RetryInfo codec", () => {
  it("round-trips a delay, whole seconds and a fraction", () => {
    for (const ms of [0, 1, 999, 1_000, 1_500, 86_400_123]) {
      expect(retryDelayMsOfStatus(encodeRetryStatus(Status.RESOURCE_EXHAUSTED, "x", ms))).toBe(ms);
    }
  });

  it("reads no hint from bytes that are not a Status with RetryInfo", () => {
    expect(retryDelayMsOfStatus(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
    expect(retryDelayMsOfStatus(new Uint8Array([]))).toBeUndefined();
    // A Status with code and message only.
    expect(retryDelayMsOfStatus(new Uint8Array([0x08, 0x08, 0x12, 0x01, 0x78]))).toBeUndefined();
  });
});

describe("a server that sends only one form of the hint", () => {
  for (const [form, hint] of [
    ["RetryInfo only (a grpcio server with rpc_status)", { retryInfoMs: 300 }],
    ["retry-after-ms only (an older Model Manager)", { trailerMs: 300 }],
  ] as const) {
    it(`${form}: within the deadline the client waits the hint, then succeeds`, async () => {
      const { server, client, times } = await scripted(hint);
      try {
        expect((await invoke(client, request, { timeoutMs: 10_000 })).content).toBe("Hi there");
        expect(times).toHaveLength(2);
        // The client's own backoff is ~1 ms.
        expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(300);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }

  it("RetryInfo only, beyond the deadline: fails at once with the RateLimitError", async () => {
    const { server, client, times } = await scripted({ retryInfoMs: 30_000 });
    try {
      const error = await invoke(client, request, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).not.toBeInstanceOf(DeadlineExceededError);
      expect(times).toHaveLength(1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("both forms: RetryInfo wins over retry-after-ms", async () => {
    // RetryInfo says beyond the deadline, the trailer says now: the client believes RetryInfo and does not retry.
    const { server, client, times } = await scripted({ retryInfoMs: 30_000, trailerMs: 1 });
    try {
      await expect(invoke(client, request, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(RateLimitError);
      expect(times).toHaveLength(1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("the reference server sends RetryInfo beside retry-after-ms", () => {
  async function stack(retryAfter: string) {
    let calls = 0;
    const upstream = await startFakeUpstream((_req, res) => {
      if (++calls === 1) return sendJson(res, 429, openAIError("Rate limit reached for gpt-4o-mini"), { "retry-after": retryAfter });
      return sendJson(res, 200, chatCompletion({ text: "Hi there" }));
    });
    const server = await startServerProcess({
      args: ["--provider-max-retries", "0"],
      env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${upstream.url}/v1` },
    });
    const client = createModelClient({ address: server.address, useTls: false, jwtSecretKey: SECRET, env: {}, envFile: false, retryDelayMs: 1 });
    return { upstream, client };
  }

  it("a 429 with Retry-After: both trailers, the Status with the call's code (OK), the provider's error and the delay", async () => {
    const { upstream, client } = await stack("2");
    try {
      const trailers: Metadata[] = [];
      // No retries: the first attempt's trailers as they came.
      const { item } = await buildInvokeRequest(request, false);
      const chunks = client.service.invoke(item, { onTrailer: (trailer: Metadata) => trailers.push(trailer) });
      const messages = [];
      for await (const message of chunks) messages.push(message);
      expect(messages[0]!.error).toMatch(/Rate limit reached/);
      const details = trailers[0]!.get(STATUS_DETAILS_TRAILER);
      expect(details).toBeInstanceOf(Uint8Array);
      expect(retryDelayMsOfStatus(details as Uint8Array)).toBe(2_000);
      expect(trailers[0]!.get("retry-after-ms")).toBe("2000");
      // No code field (proto3 zero: OK, the call's own status); field 2 (message) first, the provider's text.
      expect((details as Uint8Array)[0]).toBe(0x12);
      expect(Buffer.from(details as Uint8Array).toString("latin1")).toContain("Rate limit reached");
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it("a hint beyond the deadline: the stream fails at once with the provider's error", async () => {
    const far = await stack("30");
    try {
      const error = await (async () => {
        for await (const _chunk of invokeStream(far.client, request, { timeoutMs: 5_000 })) void _chunk;
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(far.upstream.requests).toHaveLength(1);
    } finally {
      await far.client.close();
    }
  });
});
