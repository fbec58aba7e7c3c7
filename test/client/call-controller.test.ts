// A call the SDK starts passes its AbortController down the chain, and its
// deadline and stream timeouts abort that one instead of linking more to it.
// Whoever cancels the call, the error stays the one of its cause.
import { describe, expect, it } from "vitest";
import {
  CancelledError,
  ClientClosedError,
  DeadlineExceededError,
  type InvokeRequest,
  invoke,
  invokeStream,
} from "tamar-model-client";
import { deadlineMiddleware } from "tamar-model-client/middleware";
import { callAbortController } from "../../src/client/internal/abort.js";
import { aborted, setup, userContext } from "../helpers/setup.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

describe("cancelling a call", () => {
  it("the deadline, stream timeouts, the caller's signal and close() still end the call with their own error", async () => {
    const { server, client } = await setup({ client: { streamFirstChunkTimeoutMs: 100 } });
    server.invoke = async function* (_request, context) {
      await aborted(context.signal);
    };
    const stream = async () => {
      for await (const _ of invokeStream(client, request, { timeoutMs: 60_000 }));
    };
    await expect(invoke(client, request, { timeoutMs: 100 })).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(stream()).rejects.toBeInstanceOf(DeadlineExceededError);
    const caller = new AbortController();
    const cancelled = invoke(client, request, { signal: caller.signal });
    await server.nthCall(3);
    caller.abort();
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    const closing = invoke(client, request);
    await server.nthCall(4);
    await client.close();
    await expect(closing).rejects.toBeInstanceOf(ClientClosedError);
  });
});

describe("callAbortController", () => {
  it("gives the call's own controller while its signal is the call's", () => {
    const own = new AbortController();
    const { controller, unlink } = callAbortController({ signal: own.signal, callAbortController: own });
    expect(controller).toBe(own);
    unlink();
  });

  it("links a new one when a middleware put another signal in the options, or the call has none of its own", () => {
    const own = new AbortController();
    const other = new AbortController();
    const linked = callAbortController({ signal: other.signal, callAbortController: own });
    expect(linked.controller).not.toBe(own);
    other.abort();
    expect(linked.controller.signal.aborted).toBe(true);
    expect(own.signal.aborted).toBe(false);
    linked.unlink();
    expect(callAbortController({}).controller.signal.aborted).toBe(false);
  });

  it("deadlineMiddleware used on its own still works with a linked controller", async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    const call = {
      method: { path: "/model_service.ModelService/Invoke" },
      responseStream: true,
      request: {},
      async *next(_request: unknown, options: { signal: AbortSignal }) {
        seen = options.signal;
        await aborted(options.signal);
      },
    };
    const error: unknown = await deadlineMiddleware(call as never, { deadline: 20, signal: parent.signal })
      .next()
      .catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(4); // DEADLINE_EXCEEDED
    expect(seen).not.toBe(parent.signal);
    expect(parent.signal.aborted).toBe(false);
  });
});
