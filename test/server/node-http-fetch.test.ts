/**
 * The node:http fetch the provider SDKs use, against a real loopback HTTP
 * server: it must answer as the built-in fetch does (status, headers, decoded
 * bodies, streams, aborts, connection errors) and hand what it does not take
 * to the built-in fetch.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createNodeHttpFetch } from "../../src/server/providers/node-http-fetch.js";
import { sendJson, startFakeUpstream } from "../helpers/fake-upstream.js";

describe("createNodeHttpFetch", () => {
  it("sends method, headers and body, and answers with status, headers and the whole body", async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 201, { ok: true }, { "x-request-id": "up-1" }));
    const fetch = createNodeHttpFetch();
    const response = await fetch(`${upstream.url}/v1/things?a=1`, {
      method: "post",
      headers: new Headers({ authorization: "Bearer k", "content-type": "application/json" }),
      body: JSON.stringify({ hello: "world" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe("up-1");
    expect(response.url).toBe(`${upstream.url}/v1/things?a=1`);
    expect(await response.json()).toEqual({ ok: true });
    const [request] = upstream.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/v1/things?a=1");
    expect(request?.headers.authorization).toBe("Bearer k");
    expect(request?.headers["accept-encoding"]).toBe("gzip, deflate, br");
    expect(request?.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify({ hello: "world" }))));
    expect(request?.json()).toEqual({ hello: "world" });
  });

  it("reuses one connection for requests one after another", async () => {
    const counting = await startCountingServer();
    const fetch = createNodeHttpFetch();
    const ports = new Set<string>();
    for (let index = 0; index < 3; index++) ports.add(await (await fetch(counting.url, { method: "GET" })).text());
    await counting.close();
    expect(ports.size).toBe(1);
  });

  it("closes an idle connection before the server's announced keep-alive timeout", async () => {
    const server = createServer((_req, res) => {
      // Announced by hand, so the server itself never closes it: only the client can.
      res.writeHead(200, { connection: "keep-alive", "keep-alive": "timeout=2" });
      res.end("ok");
    });
    server.keepAliveTimeout = 60_000;
    const closedByClient = new Promise<void>((resolve) => server.on("connection", (socket) => socket.once("end", resolve)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await createNodeHttpFetch()(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: "GET" });
      expect(await response.text()).toBe("ok");
      await closedByClient;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("decodes a gzip body as the built-in fetch does", async () => {
    const upstream = await startFakeUpstream((_request, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ zipped: "yes" })));
    });
    const ours = await createNodeHttpFetch()(`${upstream.url}/`, { method: "GET" });
    const builtIn = await globalThis.fetch(`${upstream.url}/`, { method: "GET" });
    expect(await ours.json()).toEqual(await builtIn.json());
  });

  it("streams an event-stream body as it arrives", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const upstream = await startFakeUpstream(async (_request, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      await released;
      res.end("data: two\n\n");
    });
    const response = await createNodeHttpFetch()(`${upstream.url}/`, { method: "POST", body: "{}" });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    release();
    const rest: string[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) rest.push(new TextDecoder().decode(read.value));
    expect(rest.join("")).toBe("data: two\n\n");
  });

  it("an abort before the answer rejects with the signal's AbortError and closes the upstream request", async () => {
    const upstream = await startFakeUpstream(() => {});
    const controller = new AbortController();
    const pending = createNodeHttpFetch()(`${upstream.url}/`, { method: "POST", body: "{}", signal: controller.signal });
    const request = await upstream.nextRequest();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await request.aborted;
  });

  it("an abort during a streamed body errors the stream with the AbortError", async () => {
    const upstream = await startFakeUpstream((_request, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
    });
    const controller = new AbortController();
    const response = await createNodeHttpFetch()(`${upstream.url}/`, { method: "POST", body: "{}", signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
    await upstream.requests[0]!.aborted;
  });

  it("a refused connection is the built-in fetch's TypeError with the cause", async () => {
    const counting = await startCountingServer();
    const url = counting.url;
    await counting.close();
    const error = await createNodeHttpFetch()(url, { method: "GET" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("fetch failed");
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("hands redirects, multipart bodies and other RequestInit options to the fallback fetch", async () => {
    const upstream = await startFakeUpstream((request, res) => {
      if (request.path === "/old") {
        res.writeHead(307, { location: "/new" });
        res.end();
        return;
      }
      sendJson(res, 200, { path: request.path });
    });
    const fallbackCalls: string[] = [];
    const fetch = createNodeHttpFetch((input, init) => {
      fallbackCalls.push(`${init?.method ?? "GET"} ${String(input)}`);
      return globalThis.fetch(input, init);
    });
    expect(await (await fetch(`${upstream.url}/old`, { method: "GET" })).json()).toEqual({ path: "/new" });
    const form = new FormData();
    form.set("file", new Blob(["bytes"]), "a.png");
    await (await fetch(`${upstream.url}/upload`, { method: "POST", body: form })).text();
    await (await fetch(`${upstream.url}/cached`, { method: "GET", redirect: "error" })).text();
    expect(fallbackCalls).toEqual([`GET ${upstream.url}/old`, `POST ${upstream.url}/upload`, `GET ${upstream.url}/cached`]);
    expect(upstream.requests.find((request) => request.path === "/upload")?.headers["content-type"]).toMatch(/^multipart\/form-data/);
  });
});

/** A server that answers each request with the client's port: the same port twice means the same connection. */
async function startCountingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => res.end(String(req.socket.remotePort)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
