/**
 * The whole stack on loopback for a reliability test: the reference server
 * (in this process, offline provider unless told otherwise) with its log
 * records captured, optionally a fault proxy in front of it, and an SDK
 * client that counts its attempts per request id. Everything is closed when
 * the test ends, failed or not.
 *
 * A client takes one of two call paths: with no middleware of the user's, the
 * fused layer over grpc-js (what most users run); with one, nice-grpc's chain.
 * `TAMAR_TEST_CLIENT_PATH=chain` (a project of vitest.config.ts) runs these
 * tests on the chain, counting attempts with a client middleware; by default
 * they run on the fused layer, counting attempts from the call's span (the
 * real OpenTelemetry SDK, in memory), which adds no middleware.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { CallOptions, ClientMiddlewareCall } from "nice-grpc-common";
import { onTestFinished } from "vitest";
import { createModelClient, type InvokeRequest, type ModelClient, type ModelClientOptions } from "tamar-model-client";
import { startModelServer, type LogRecord, type ModelServerOptions, type RunningModelServer } from "tamar-model-client/server";
import { clientStateOf } from "../../../src/client/internal/client-state.js";
import { deferred, type Deferred } from "../../helpers/deferred.js";
import { SECRET, TENANT } from "../../helpers/tokens.js";
import { userContextFor } from "../../helpers/user-context.js";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";

export const userContext = userContextFor("reliability");

/** A chat request the offline provider answers with `words` words (one chunk each when streamed, plus a final one). */
export function chatRequest(prompt: string, words = 8): InvokeRequest {
  return {
    provider: "openai",
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: prompt }],
    max_tokens: words,
    userContext,
  };
}

/** The call path the stack's clients take (see the header). */
export const CLIENT_PATH: "fused" | "chain" = process.env["TAMAR_TEST_CLIENT_PATH"] === "chain" ? "chain" : "fused";

/** Attempts of each call so far, by request id. */
export interface AttemptCounts {
  get(requestId: string): number | undefined;
}

/**
 * Counts the attempts of each ended call from its span: `tamar.attempts`,
 * which the client sets at every retry or fallback (1 when absent).
 */
function attemptsFromSpans(): { attempts: AttemptCounts; tracerProvider: BasicTracerProvider } {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const attempts: AttemptCounts = {
    get(requestId) {
      const span = exporter.getFinishedSpans().find((each) => each.attributes["tamar.request.id"] === requestId);
      return span === undefined ? undefined : Number(span.attributes["tamar.attempts"] ?? 1);
    },
  };
  return { attempts, tracerProvider };
}

/** Counts the attempts of each call (by request id): a client middleware runs once per attempt. */
export function attemptCounter() {
  const attempts = new Map<string, number>();
  async function* countAttempts<Req, Res>(call: ClientMiddlewareCall<Req, Res>, options: CallOptions) {
    const id = options.metadata?.get("x-request-id") ?? "";
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    return yield* call.next(call.request, options);
  }
  return { attempts, middleware: countAttempts };
}

/** Captures a server's log records and lets a test wait for one. */
export function recordLog() {
  const records: LogRecord[] = [];
  const waiters: Array<{ match: (record: LogRecord) => boolean; found: Deferred<LogRecord> }> = [];
  return {
    records,
    logger(record: LogRecord) {
      records.push(record);
      for (const waiter of [...waiters]) {
        if (!waiter.match(record)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.found.resolve(record);
      }
    },
    /** Resolves with the first record (past or future) that matches. */
    waitFor(match: (record: LogRecord) => boolean): Promise<LogRecord> {
      const seen = records.find(match);
      if (seen) return Promise.resolve(seen);
      const found = deferred<LogRecord>();
      waiters.push({ match, found });
      return found.promise;
    },
  };
}

export interface Stack {
  readonly server: RunningModelServer;
  /** The proxy between client and server (when asked for). */
  readonly proxy: FaultProxy;
  readonly client: ModelClient;
  /** Attempts per request id, counted on the client (on the fused path once the call has ended). */
  readonly attempts: AttemptCounts;
  readonly log: ReturnType<typeof recordLog>;
  /** Resolves with the server's `call` record of `requestId` once that call has ended on the server. */
  serverCallEnded(requestId: string, nth?: number): Promise<LogRecord>;
  /** Another client (through the proxy unless `address` says otherwise), counting attempts too; closed after the test. */
  newClient(options?: ModelClientOptions): ModelClient;
}

/** The reference server on loopback for one test (offline, the test secret, no chunk delay), its log captured; closed after the test. */
export async function startLoggedServer(options: ModelServerOptions = {}): Promise<{ server: RunningModelServer; log: ReturnType<typeof recordLog> }> {
  const log = recordLog();
  const server = await startModelServer({
    host: "127.0.0.1",
    port: 0,
    jwtSecretKey: SECRET,
    offline: true,
    offlineChunkDelayMs: 0,
    env: {},
    logger: log.logger,
    ...options,
  });
  onTestFinished(() => server.close({ graceMs: 0 }));
  return { server, log };
}

/** Server, proxy and client for one test; all closed when it ends. */
export async function startStack(options: { server?: ModelServerOptions; client?: ModelClientOptions } = {}): Promise<Stack> {
  const { server, log } = await startLoggedServer(options.server);
  const proxy = await startFaultProxy(server.address);
  const counting: { attempts: AttemptCounts; clientOptions: ModelClientOptions } =
    CLIENT_PATH === "chain"
      ? (({ attempts, middleware }) => ({ attempts, clientOptions: { middlewares: [middleware] } }))(attemptCounter())
      : (({ attempts, tracerProvider }) => ({ attempts, clientOptions: { telemetry: { tracerProvider } } }))(attemptsFromSpans());
  const { attempts } = counting;
  const clients: ModelClient[] = [];
  const newClient = (clientOptions: ModelClientOptions = {}) => {
    const client = createModelClient({
      address: proxy.address,
      jwtSecretKey: SECRET,
      useTls: false,
      env: {},
      envFile: false,
      retryDelayMs: 20,
      ...counting.clientOptions,
      ...clientOptions,
    });
    // The tests must run on the path they say they run on, unless they ask
    // for a middleware of their own (which observes calls on the chain).
    const fused = clientStateOf(client).fusedInvoke;
    const chainByTest = clientOptions.middlewares !== undefined || clientOptions.callMiddlewares !== undefined;
    if (!chainByTest && fused !== (CLIENT_PATH === "fused")) {
      throw new Error(`the stack's client takes the ${fused ? "fused" : "chain"} path, not the ${CLIENT_PATH} path`);
    }
    clients.push(client);
    return client;
  };
  const client = newClient(options.client);
  onTestFinished(async () => {
    await Promise.all(clients.map((each) => each.close()));
    await proxy.close();
  });
  return {
    server,
    proxy,
    client,
    attempts,
    log,
    newClient,
    serverCallEnded(requestId, nth = 1) {
      let seen = 0;
      return log.waitFor((record) => record.msg === "call" && record["request_id"] === requestId && ++seen === nth);
    },
  };
}
