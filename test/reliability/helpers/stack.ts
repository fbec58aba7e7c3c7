/**
 * The whole stack on loopback for a reliability test: the reference server
 * (in this process, offline provider unless told otherwise) with its log
 * records captured, optionally a fault proxy in front of it, and an SDK
 * client that counts its attempts per request id. Everything is closed when
 * the test ends, failed or not.
 */
import type { CallOptions, ClientMiddlewareCall } from "nice-grpc-common";
import { onTestFinished } from "vitest";
import { createModelClient, type InvokeRequest, type ModelClient, type ModelClientOptions } from "tamar-model-client";
import { startModelServer, type LogRecord, type ModelServerOptions, type RunningModelServer } from "tamar-model-client/server";
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
  /** Attempts per request id, counted on the client. */
  readonly attempts: Map<string, number>;
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
  const { attempts, middleware } = attemptCounter();
  const clients: ModelClient[] = [];
  const newClient = (clientOptions: ModelClientOptions = {}) => {
    const client = createModelClient({
      address: proxy.address,
      jwtSecretKey: SECRET,
      useTls: false,
      env: {},
      envFile: false,
      retryDelayMs: 20,
      middlewares: [middleware],
      ...clientOptions,
    });
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
