/**
 * A loopback TCP proxy between a client and a server that a test steers to
 * inject transport faults: refuse or drop new connections, reset open ones,
 * stall or delay forwarding, and cut a connection after a number of bytes
 * from the server (so a stream can be broken after some chunks got through).
 *
 * It forwards bytes blindly (HTTP/2, TLS, anything): every fault is a TCP
 * fault, as a real network or a crashing peer would produce.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { deferred, type Deferred } from "../../helpers/deferred.js";

/** How new connections are treated. */
export type AcceptMode =
  /** Forward to the target (the default). */
  | "forward"
  /** Accept, then read and discard everything and never answer: a black hole. */
  | "drop"
  /** Accept, then reset at once (RST): the peer crashed on accept. */
  | "reset";

interface Link {
  readonly client: Socket;
  readonly server: Socket | undefined;
}

interface CutRule {
  /** Server bytes still allowed through before the cut. */
  remaining: number;
  how: "reset" | "close";
  fired: Deferred<void>;
}

export interface FaultProxy {
  /** `127.0.0.1:port`, for a client. */
  readonly address: string;
  readonly port: number;
  /** Connections accepted so far (any mode). */
  readonly accepted: number;
  /** Connections the proxy reset or cut so far. */
  readonly faults: number;
  /** Connections open now. */
  readonly open: number;
  /** How new connections are treated from now on. */
  setAcceptMode(mode: AcceptMode): void;
  /** Stops listening: new connections are refused by the kernel (ECONNREFUSED). */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  unrefuse(): Promise<void>;
  /** Stops forwarding in both directions, on open and new connections (bytes wait in the kernel). */
  stall(): void;
  /** Forwards again after {@link stall}. */
  resume(): void;
  /** Delays every forwarded piece by `ms` (0: none), keeping order. */
  delay(ms: number): void;
  /** Resets (RST) every open connection; returns how many. */
  resetAll(): number;
  /**
   * Once the server has sent `bytes` more bytes (counted over every
   * connection from now), lets exactly that many through and then cuts the
   * connection: `reset` (RST, which also discards what the client has not
   * read yet) or `close` (FIN: the client reads everything up to the cut).
   * `bytes: 0` cuts at the first byte, forwarding none of it. Resolves once
   * the cut happened.
   */
  cutAfterServerBytes(bytes: number, how: "reset" | "close"): Promise<void>;
  /** Resolves once `count` connections have been accepted in all (at once if they have). */
  accepting(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) in front of `target` (`host:port`, or a function read per connection). */
export async function startFaultProxy(target: string | (() => string)): Promise<FaultProxy> {
  const links = new Set<Link>();
  const connectionWaiters: Array<{ count: number; reached: Deferred<void> }> = [];
  let mode: AcceptMode = "forward";
  let stalled = false;
  let delayMs = 0;
  let accepted = 0;
  let faults = 0;
  let cut: CutRule | undefined;

  const targetOf = () => {
    const address = typeof target === "string" ? target : target();
    const colon = address.lastIndexOf(":");
    return { host: address.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(address.slice(colon + 1)) };
  };

  function reset(link: Link): void {
    faults++;
    link.client.resetAndDestroy();
    link.server?.resetAndDestroy();
  }

  // Writes `data` from the server to the client, honouring an armed cut.
  function toClient(link: Link, data: Buffer): void {
    const rule = cut;
    if (!rule || data.length <= rule.remaining) {
      if (rule) rule.remaining -= data.length;
      link.client.write(data);
      return;
    }
    cut = undefined;
    const allowed = data.subarray(0, rule.remaining);
    faults++;
    link.server?.destroy();
    if (rule.how === "reset") {
      if (allowed.length > 0) link.client.write(allowed);
      link.client.resetAndDestroy();
    } else {
      link.client.end(allowed);
    }
    rule.fired.resolve();
  }

  // Pipes `from` into `write` chunk by chunk, with the configured delay, in order.
  function forward(from: Socket, write: (data: Buffer) => void): void {
    let queue = Promise.resolve();
    from.on("data", (data: Buffer) => {
      if (delayMs === 0) return write(data);
      const wait = delayMs;
      queue = queue.then(() => new Promise<void>((resolve) => setTimeout(resolve, wait))).then(() => write(data));
    });
  }

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    accepted++;
    for (const waiter of connectionWaiters.filter((each) => each.count <= accepted)) {
      connectionWaiters.splice(connectionWaiters.indexOf(waiter), 1);
      waiter.reached.resolve();
    }
    client.on("error", () => {});
    if (mode === "reset") {
      faults++;
      client.resetAndDestroy();
      return;
    }
    if (mode === "drop") {
      // Read and discard everything, answer nothing; close when the client does.
      const link: Link = { client, server: undefined };
      links.add(link);
      client.on("close", () => links.delete(link));
      client.resume();
      return;
    }
    const { host, port } = targetOf();
    const upstream = new (client.constructor as typeof Socket)();
    const link: Link = { client, server: upstream };
    links.add(link);
    upstream.on("error", () => {});
    // A side that fails resets the other, as a crashed peer would look.
    client.on("close", (hadError) => {
      links.delete(link);
      if (hadError) upstream.resetAndDestroy();
      else upstream.end();
    });
    upstream.on("close", (hadError) => {
      if (client.destroyed) return;
      if (hadError) client.resetAndDestroy();
      else client.end();
    });
    forward(client, (data) => upstream.write(data));
    forward(upstream, (data) => toClient(link, data));
    upstream.connect(port, host, () => {
      if (!stalled) client.resume();
    });
    if (stalled) upstream.pause();
  });
  server.on("error", () => {});

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    address: `127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    get faults() {
      return faults;
    },
    get open() {
      return links.size;
    },
    setAcceptMode(next) {
      mode = next;
    },
    async refuse() {
      // The listening socket goes at once; open connections are left alone.
      server.close();
    },
    unrefuse: () => listen(port),
    stall() {
      stalled = true;
      for (const link of links) {
        link.client.pause();
        link.server?.pause();
      }
    },
    resume() {
      stalled = false;
      for (const link of links) {
        link.client.resume();
        link.server?.resume();
      }
    },
    delay(ms) {
      delayMs = ms;
    },
    resetAll() {
      const open = [...links];
      for (const link of open) reset(link);
      return open.length;
    },
    cutAfterServerBytes(bytes, how) {
      const fired = deferred<void>();
      cut = { remaining: bytes, how, fired };
      return fired.promise;
    },
    accepting(count) {
      if (accepted >= count) return Promise.resolve();
      const reached = deferred<void>();
      connectionWaiters.push({ count, reached });
      return reached.promise;
    },
    close() {
      for (const link of links) {
        link.client.destroy();
        link.server?.destroy();
      }
      links.clear();
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
  };
}
