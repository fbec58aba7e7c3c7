// Cancellation reaches the server; close() ends calls in flight with a typed
// error and leaves nothing running.
import { connectivityState } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import {
  CancelledError,
  ClientClosedError,
  createModelClient,
  invoke,
  invokeStream,
  TamarModelClient,
  type InvokeRequest,
} from "tamar-model-client";
import { aborted, setup, userContext } from "../helpers/setup.js";
import { startScriptedServer } from "../helpers/scripted-server.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

describe("cancellation", () => {
  it("signal.abort() mid-stream cancels the call on the server and throws a CancelledError", async () => {
    const { server, client } = await setup();
    server.invoke = async function* (_req, ctx) {
      yield { content: "first" };
      await aborted(ctx.signal);
    };
    const controller = new AbortController();
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request, { signal: controller.signal, requestId: "req-x" })) {
        chunks.push(chunk.content!);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(chunks).toEqual(["first"]);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ requestId: "req-x", code: 1 });
    await aborted(server.calls[0]!.signal);
  });

  it("signal.abort() during invoke cancels the call on the server", async () => {
    const { server, client } = await setup();
    server.invoke = async function* (_req, ctx) {
      await aborted(ctx.signal);
    };
    const controller = new AbortController();
    const pending = invoke(client, request, { signal: controller.signal });
    const call = await server.nthCall(1);
    controller.abort(new Error("user left"));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).cause).toMatchObject({ message: "user left" });
    await aborted(call.signal);
  });

  it("break out of for await cancels the call on the server", async () => {
    const { server, client } = await setup();
    server.invoke = async function* (_req, ctx) {
      yield { content: "a" };
      yield { content: "b" };
      await aborted(ctx.signal);
    };
    for await (const chunk of invokeStream(client, request)) {
      expect(chunk.content).toBe("a");
      break;
    }
    await aborted(server.calls[0]!.signal);
  });

  it("an already aborted signal sends nothing", async () => {
    const { server, client } = await setup();
    await expect(invoke(client, request, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(server.calls).toHaveLength(0);
  });
});

describe("close()", () => {
  it("ends calls in flight with ClientClosedError, cancels them on the server, refuses later calls; idempotent", async () => {
    const { server, client } = await setup();
    server.invoke = async function* (_req, ctx) {
      yield { content: "a" };
      await aborted(ctx.signal);
    };
    const unary = invoke(client, request).catch((e: unknown) => e);
    const stream = invokeStream(client, request);
    expect((await stream.next()).value).toMatchObject({ content: "a" });
    await server.nthCall(2);
    await Promise.all([client.close(), client.close()]);
    expect(client.closed).toBe(true);
    expect(await unary).toBeInstanceOf(ClientClosedError);
    await expect(stream.next()).rejects.toBeInstanceOf(ClientClosedError);
    await Promise.all(server.calls.map((call) => aborted(call.signal)));
    await expect(invoke(client, request)).rejects.toBeInstanceOf(ClientClosedError);
    expect(server.calls).toHaveLength(2);
    expect(client.channel.getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
    // Once more after everything ended: resolves, changes nothing, and later calls still fail at once.
    await client.close();
    expect(client.closed).toBe(true);
    await expect(invokeStream(client, request).next()).rejects.toBeInstanceOf(ClientClosedError);
    expect(server.calls).toHaveLength(2);
  });

  it("leaves no timers or sockets of the client behind", async () => {
    const server = await startScriptedServer();
    const before = process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap");
    const client = createModelClient({ address: server.address, useTls: false, env: {}, envFile: false });
    await invoke(client, request);
    for await (const _ of invokeStream(client, request));
    await client.close();
    await server.close();
    const count = (list: string[], kind: string) => list.filter((r) => r === kind).length;
    const active = () => process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap");
    // Node 24 releases a destroyed socket's handle a few turns of the event loop
    // after its close callback; a socket still open a second later is a leak.
    const deadline = Date.now() + 1_000;
    while (count(active(), "TCPSocketWrap") > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const after = active();
    expect(count(after, "Timeout")).toBeLessThanOrEqual(count(before, "Timeout"));
    expect(count(after, "TCPSocketWrap")).toBe(0);
  });

  it("await using closes the client; the class facade works the same way", async () => {
    const server = await startScriptedServer();
    let facade: TamarModelClient;
    {
      await using client = new TamarModelClient({ address: server.address, useTls: false, env: {}, envFile: false });
      facade = client;
      expect((await client.invoke(request)).content).toContain("echo openai");
      const chunks: string[] = [];
      for await (const chunk of client.invokeStream(request)) chunks.push(chunk.content!);
      expect(chunks.join("")).toBe("echo openai chat-completions m");
      expect((await client.invokeBatch({ userContext, items: [] })).responses).toEqual([]);
    }
    expect(facade.client.closed).toBe(true);
    await server.close();
  });
});
