/**
 * The HTTP API on its own port: listens, and drains like the gRPC server —
 * once closing, health says NOT_SERVING and new requests are refused with
 * 503 (and `connection: close`), requests in flight may finish, and at the
 * end of the grace whatever still runs is cut, which aborts its upstream
 * request.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpApi, type HttpApiDeps } from "./http-api.js";

/** A listening HTTP API. */
export interface RunningHttpApi {
  /** `http://host:port`, ready for a client. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections; idle keep-alive connections close. */
  stopAccepting(): void;
  /** Cuts every connection still open (end of the grace period). */
  cutAll(): void;
  /** Resolves once every connection has closed. */
  closed(): Promise<void>;
}

/** Starts the HTTP API on `host:port` (0 = a free port). */
export async function listenHttpApi(host: string, port: number, deps: HttpApiDeps): Promise<RunningHttpApi> {
  const api = createHttpApi(deps);
  let stopped = false;
  const server: Server = createServer((req, res) => {
    // A kept-alive connection whose last call ends while draining is closed
    // then, not when its keep-alive timeout runs out.
    res.once("finish", () => {
      if (stopped) setImmediate(() => server.closeIdleConnections());
    });
    api(req, res);
  });
  // A request that never completes its headers or body is not a call yet: do not let it hold a drain.
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const closedPromise = new Promise<void>((resolve) => server.once("close", () => resolve()));
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
    port: bound,
    stopAccepting() {
      if (stopped) return;
      stopped = true;
      server.close();
      server.closeIdleConnections();
    },
    cutAll() {
      server.closeAllConnections();
    },
    closed: () => closedPromise,
  };
}
