/**
 * A `fetch` for the Stainless-generated provider SDKs (their documented
 * `fetch` client option) over node:http / node:https with keep-alive agents of
 * its own. The SDK keeps everything it decides — base URL, auth headers,
 * retries, timeouts, error mapping, SSE parsing — and only the transport
 * changes: Node's built-in fetch (undici with WHATWG streams on both bodies)
 * costs the gateway about twice the CPU per upstream request.
 *
 * Requests it does not take as they are (a body other than text or bytes,
 * such as multipart uploads; RequestInit options beyond method, headers, body
 * and signal; a scheme other than http/https) and responses that redirect go
 * through the built-in fetch, so nothing changes meaning.
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import type { Duplex } from "node:stream";
import { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

// What the built-in fetch advertises (and decodes) when the caller sets nothing.
const ACCEPT_ENCODING = "gzip, deflate, br";
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TAKEN_INIT_KEYS = new Set(["method", "headers", "body", "signal", "duplex"]);
// How long an idle connection stays open (undici's default), and how long
// before the server's announced keep-alive timeout it closes: a request sent
// on a connection the server is closing fails.
const IDLE_MS = 4_000;
const HINT_MARGIN_MS = 1_000;

/**
 * A fetch with its own connection pools (one per scheme), reused by every
 * request of the provider client it is given to. `fallback` serves what it
 * does not take.
 */
export function createNodeHttpFetch(fallback: Fetch = globalThis.fetch): Fetch {
  const agents = { http: closingIdle(new HttpAgent({ keepAlive: true })), https: closingIdle(new HttpsAgent({ keepAlive: true })) };
  return (input, init = {}) => {
    const url = typeof input === "string" ? safeUrl(input) : input instanceof URL ? input : undefined;
    const body = init.body;
    if (
      !url ||
      (url.protocol !== "http:" && url.protocol !== "https:") ||
      url.username !== "" ||
      url.password !== "" ||
      !(body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer) ||
      Object.keys(init).some((key) => !TAKEN_INIT_KEYS.has(key))
    ) {
      return fallback(input, init);
    }
    return send(url, init, body ?? undefined, url.protocol === "https:" ? { request: httpsRequest, agent: agents.https } : { request: httpRequest, agent: agents.http }).then(
      (response) => response ?? fallback(input, init),
    );
  };
}

const safeUrl = (text: string) => (URL.canParse(text) ? new URL(text) : undefined);

type Transport = { request: typeof httpRequest; agent: HttpAgent };

/** One request; undefined when the answer is a redirect, which the built-in fetch follows instead. */
function send(url: URL, init: RequestInit, body: string | Uint8Array | ArrayBuffer | undefined, transport: Transport): Promise<Response | undefined> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const headers = headerRecord(init.headers);
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "accept-encoding")) headers["accept-encoding"] = ACCEPT_ENCODING;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: (init.method ?? "GET").toUpperCase(), headers, agent: transport.agent });
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    };
    // After the headers, an abort errors the body stream instead (as the built-in fetch does).
    let onAbortBody: (() => void) | undefined;
    const onAbort = () => {
      if (onAbortBody) return onAbortBody();
      req.destroy();
      fail(abortReason(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    req.once("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
    req.once("response", (res) => {
      idleMsOf.set(res.socket, idleMs(res.headers["keep-alive"] as string | undefined));
      const status = res.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && res.headers.location !== undefined) {
        res.resume();
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        resolve(undefined);
        return;
      }
      const decoded = decode(res);
      const responseHeaders = new Headers();
      for (let index = 0; index < res.rawHeaders.length; index += 2) responseHeaders.append(res.rawHeaders[index]!, res.rawHeaders[index + 1]!);
      const respond = (responseBody: ConstructorParameters<typeof Response>[0]) => {
        settled = true;
        const response = new Response(responseBody, { status, statusText: res.statusMessage ?? "", headers: responseHeaders });
        // The SDKs only log it; the built-in fetch sets it.
        Object.defineProperty(response, "url", { value: url.href });
        resolve(response);
      };
      if (NULL_BODY_STATUSES.has(status)) {
        res.resume();
        signal?.removeEventListener("abort", onAbort);
        respond(null);
      } else if (/^text\/event-stream/i.test(res.headers["content-type"] ?? "")) {
        // Streamed: the SDK reads events as they come.
        onAbortBody = () => decoded.destroy(abortReason(signal!) as Error);
        decoded.once("close", () => signal?.removeEventListener("abort", onAbort));
        decoded.once("error", () => res.destroy());
        respond(Readable.toWeb(decoded) as ReadableStream<Uint8Array>);
      } else {
        // Whole: the SDK parses it in one piece anyway.
        const parts: Buffer[] = [];
        onAbortBody = () => {
          res.destroy();
          fail(abortReason(signal!));
        };
        decoded.on("data", (part: Buffer) => parts.push(part));
        decoded.once("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
        decoded.once("end", () => {
          if (settled) return;
          signal?.removeEventListener("abort", onAbort);
          respond(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        });
      }
    });
    req.end(body === undefined ? undefined : body instanceof ArrayBuffer ? new Uint8Array(body) : body);
  });
}

// Per connection, from its last response: how long it may stay idle (0: not reused).
const idleMsOf = new WeakMap<object, number>();

function idleMs(keepAliveHeader: string | undefined): number {
  const hint = keepAliveHeader === undefined ? undefined : /(?:^|,)\s*timeout=(\d+)/i.exec(keepAliveHeader)?.[1];
  return hint === undefined ? IDLE_MS : Math.max(0, Math.min(IDLE_MS, Number(hint) * 1000 - HINT_MARGIN_MS));
}

// Node's agent keeps idle connections open forever unless given a timeout,
// which would also apply to requests in flight: the idle time is set when a
// connection goes idle and cleared when it is reused.
function closingIdle<A extends HttpAgent>(agent: A): A {
  const keep = agent.keepSocketAlive.bind(agent);
  const reuse = agent.reuseSocket.bind(agent);
  agent.keepSocketAlive = (socket) => {
    const ms = idleMsOf.get(socket) ?? IDLE_MS;
    const kept = keep(socket) as unknown as boolean | undefined;
    if (kept === false || ms === 0) return false as unknown as void;
    timed(socket).setTimeout?.(ms);
    return true as unknown as void;
  };
  agent.reuseSocket = (socket, request) => {
    timed(socket).setTimeout?.(0);
    reuse(socket, request);
  };
  return agent;
}

// The agent's sockets are net.Socket / tls.TLSSocket, typed as Duplex by the agent's hooks.
const timed = (socket: Duplex) => socket as Duplex & { setTimeout?(ms: number): unknown };

function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined) return record;
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [name, value] of headers) record[name] = value;
    return record;
  }
  return Object.assign(record, headers);
}

// The body as the built-in fetch hands it over: decoded per Content-Encoding.
function decode(res: IncomingMessage): Readable {
  const encoding = (res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? createGunzip() : encoding === "deflate" ? createInflate() : encoding === "br" ? createBrotliDecompress() : undefined;
  if (!decoder) return res;
  res.once("error", (error) => decoder.destroy(error));
  return res.pipe(decoder);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
