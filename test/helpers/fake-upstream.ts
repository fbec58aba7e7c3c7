/**
 * A loopback HTTP server standing in for a provider API: it records what the
 * official SDK sent and answers with the provider's real wire format (JSON
 * bodies, SSE streams, error bodies).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { deferred, type Deferred } from "./deferred.js";

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
  /** The body parsed as JSON. */
  json(): any;
  /** Resolves when the client closes the connection before the answer was complete. */
  readonly aborted: Promise<void>;
}

export type UpstreamHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeUpstream {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Resolves with the next request that arrives (or the first unclaimed one). */
  nextRequest(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

/** Starts a fake provider on 127.0.0.1 (stopped after the test). */
export async function startFakeUpstream(handler: UpstreamHandler): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const waiting: Array<Deferred<RecordedRequest>> = [];
  let claimed = 0;
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = Buffer.concat(parts);
    const aborted = deferred();
    res.on("close", () => {
      if (!res.writableFinished) aborted.resolve();
    });
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json: () => JSON.parse(body.toString("utf8")),
      aborted: aborted.promise,
    };
    requests.push(recorded);
    const waiter = waiting.shift();
    if (waiter) {
      claimed++;
      waiter.resolve(recorded);
    }
    try {
      await handler(recorded, res);
    } catch (error) {
      res.destroy(error as Error);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const upstream: FakeUpstream = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    nextRequest() {
      if (claimed < requests.length) return Promise.resolve(requests[claimed++] as RecordedRequest);
      const waiter = deferred<RecordedRequest>();
      waiting.push(waiter);
      return waiter.promise;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(upstream);
  return upstream;
}

/** Answers with a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** One server-sent event: `event:` line (when named) and `data:` line. */
export function sseEvent(data: unknown, event?: string, lineEnd = "\n"): string {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return `${event ? `event: ${event}${lineEnd}` : ""}data: ${text}${lineEnd}${lineEnd}`;
}

/** Starts an SSE response; write events with `response.write(sseEvent(...))`. */
export function startSse(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  response.flushHeaders();
}
