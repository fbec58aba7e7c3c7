// Circuit breakers per route on a real gRPC server on loopback: opening on
// consecutive failures and on a failure rate, an open breaker costing no
// call and no timeout, the half-open probe, what counts, and the state
// function and logger events.
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  CircuitOpenError,
  ConfigurationError,
  createModelClient,
  DeadlineExceededError,
  invoke,
  InvalidArgumentError,
  type InvokeRequest,
  type Logger,
  UnavailableError,
} from "tamar-model-client";
import { aborted, setup, userContext } from "../helpers/setup.js";

const request: InvokeRequest = { provider: "openai", model: "primary", messages: [{ role: "user", content: "hi" }], userContext };

function recordingLogger() {
  const events: Array<Record<string, unknown>> = [];
  const log = (fields: Record<string, unknown>) => void events.push(fields);
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { logger, events: () => events.filter((fields) => String(fields["event"]).startsWith("circuit.")) };
}

/** Waits until `at` (a breaker's probe time) has passed. */
const until = (at: Date) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at.getTime() - Date.now()) + 5));

let healthy = false;
async function* flaky() {
  if (!healthy) throw new ServerError(Status.UNAVAILABLE, "down");
  yield { content: "ok" };
}

describe("circuit breakers", () => {
  it("open after consecutive failures: the next call fails at once with a CircuitOpenError naming the route and its probe time", async () => {
    const { logger, events } = recordingLogger();
    const { server, client } = await setup({
      client: { maxRetries: 0, logger, circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 } },
    });
    healthy = false;
    server.invoke = flaky;
    for (let i = 0; i < 3; i++) await expect(invoke(client, request)).rejects.toBeInstanceOf(UnavailableError);
    const error = await invoke(client, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    const open = error as CircuitOpenError;
    expect(open.route).toMatchObject({ address: server.address, provider: "openai", model: "primary" });
    expect(open.probeAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(open.message).toContain(`openai/primary @ ${server.address}`);
    expect(open.message).toContain(open.probeAt.toISOString());
    expect(server.calls).toHaveLength(3);
    expect(client.circuitStates()).toEqual([
      expect.objectContaining({ provider: "openai", model: "primary", state: "open", consecutiveFailures: 3, probeAt: open.probeAt }),
    ]);
    expect(events()).toEqual([expect.objectContaining({ event: "circuit.open", provider: "openai", model: "primary", from: "closed" })]);
    // Another model on the same server has its own breaker.
    healthy = true;
    expect((await invoke(client, { ...request, model: "other" })).content).toBe("ok");
  });

  it("half-open after the cooldown: one probe; its success closes the breaker, its failure opens it again", async () => {
    const { logger, events } = recordingLogger();
    const { server, client } = await setup({ client: { maxRetries: 0, logger, circuitBreaker: { failureThreshold: 1, cooldownMs: 150 } } });
    healthy = false;
    server.invoke = flaky;
    await expect(invoke(client, request)).rejects.toBeInstanceOf(UnavailableError);
    const first = (await invoke(client, request).catch((e: unknown) => e)) as CircuitOpenError;
    expect(first).toBeInstanceOf(CircuitOpenError);
    await until(first.probeAt);
    // The probe fails: open again, with a later probe time.
    await expect(invoke(client, request)).rejects.toBeInstanceOf(UnavailableError);
    const second = (await invoke(client, request).catch((e: unknown) => e)) as CircuitOpenError;
    expect(second).toBeInstanceOf(CircuitOpenError);
    expect(second.probeAt.getTime()).toBeGreaterThan(first.probeAt.getTime());
    await until(second.probeAt);
    healthy = true;
    expect((await invoke(client, request)).content).toBe("ok");
    expect(client.circuitStates()[0]).toMatchObject({ state: "closed", consecutiveFailures: 0 });
    expect(server.calls).toHaveLength(3);
    expect(events().map((fields) => fields["event"])).toEqual([
      "circuit.open",
      "circuit.half_open",
      "circuit.open",
      "circuit.half_open",
      "circuit.closed",
    ]);
  });

  it("while a probe is in flight, other calls are refused", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0, circuitBreaker: { failureThreshold: 1, cooldownMs: 100 } } });
    healthy = false;
    server.invoke = flaky;
    await expect(invoke(client, request)).rejects.toBeInstanceOf(UnavailableError);
    await until(((await invoke(client, request).catch((e: unknown) => e)) as CircuitOpenError).probeAt);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.invoke = async function* () {
      await gate;
      yield { content: "probe ok" };
    };
    const probe = invoke(client, request);
    await server.nthCall(2);
    await expect(invoke(client, request)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    expect((await probe).content).toBe("probe ok");
    expect(client.circuitStates()[0]).toMatchObject({ state: "closed" });
  });

  it("open on a failure rate over the window, without a run of consecutive failures", async () => {
    const { server, client } = await setup({
      client: { maxRetries: 0, circuitBreaker: { failureThreshold: 100, failureRate: 0.5, minimumCalls: 6 } },
    });
    let calls = 0;
    server.invoke = async function* () {
      if (++calls % 2 === 0) throw new ServerError(Status.UNAVAILABLE, "every other call");
      yield { content: "ok" };
    };
    for (let i = 0; i < 6; i++) await invoke(client, request).catch(() => undefined);
    expect(client.circuitStates()[0]).toMatchObject({ state: "open", windowCalls: 6, windowFailures: 3 });
    await expect(invoke(client, request)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it("only transient and provider failures count: a rejected request or a provider's 400 does not open it", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0, circuitBreaker: { failureThreshold: 2 } } });
    server.invoke = async function* () {
      throw new ServerError(Status.INVALID_ARGUMENT, "bad field");
    };
    for (let i = 0; i < 4; i++) await expect(invoke(client, request)).rejects.toBeInstanceOf(InvalidArgumentError);
    server.invoke = async function* () {
      yield { error: "openai request failed, HTTP 400: Invalid value for 'temperature'" };
    };
    for (let i = 0; i < 4; i++) await expect(invoke(client, request)).rejects.toMatchObject({ name: "ProviderError", kind: "other" });
    expect(client.circuitStates()[0]).toMatchObject({ state: "closed", consecutiveFailures: 0 });
    server.invoke = async function* () {
      yield { error: "openai request failed, HTTP 503: Service Unavailable" };
    };
    for (let i = 0; i < 2; i++) await expect(invoke(client, request)).rejects.toMatchObject({ name: "ProviderError", kind: "overloaded" });
    expect(client.circuitStates()[0]).toMatchObject({ state: "open" });
  });

  it("an open breaker costs no timeout: after a route timed out, calls go straight to the fallback", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0, circuitBreaker: { failureThreshold: 2 } } });
    server.invoke = async function* (req, context) {
      if (req.extra?.["model"] === "primary") {
        await aborted(context.signal);
        return;
      }
      yield { content: "fallback answer" };
    };
    for (let i = 0; i < 2; i++) await expect(invoke(client, request, { timeoutMs: 150 })).rejects.toBeInstanceOf(DeadlineExceededError);
    const response = await invoke(client, request, { timeoutMs: 150, fallbacks: [{ model: "second" }] });
    expect(response.content).toBe("fallback answer");
    expect(response.attempts![0]!.error).toBeInstanceOf(CircuitOpenError);
    // The primary was not called a third time.
    expect(server.calls.map((call) => (call.request as { extra?: { model?: string } }).extra?.model)).toEqual(["primary", "primary", "second"]);
  });

  it("bad settings are a ConfigurationError; no breakers by default", () => {
    const base = { address: "127.0.0.1:1", useTls: false, env: {}, envFile: false } as const;
    expect(() => createModelClient({ ...base, circuitBreaker: { failureRate: 2 } })).toThrow(ConfigurationError);
    expect(() => createModelClient({ ...base, circuitBreaker: { cooldown: 5 } as never })).toThrow(/circuitBreaker\.cooldown/);
    expect(createModelClient(base).circuitStates()).toEqual([]);
  });
});
