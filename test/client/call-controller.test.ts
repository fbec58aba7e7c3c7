// A call the SDK starts has one AbortController: its deadline and stream
// timeouts abort that one instead of linking more to it (an AbortController
// costs microseconds to make on Node 20). Whoever cancels the call, the error
// stays the one of its cause.
import { afterEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  ClientClosedError,
  DeadlineExceededError,
  type InvokeRequest,
  invoke,
  invokeStream,
} from "tamar-model-client";
import { deadlineMiddleware } from "tamar-model-client/middleware";
import { callAbortController, callController } from "../../src/client/internal/abort.js";
import { aborted, setup, userContext } from "../helpers/setup.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

const Original = globalThis.AbortController;
let made = 0;
// Counts the controllers the client side makes (the test server runs in this process too).
function countControllers(): void {
  made = 0;
  globalThis.AbortController = class CountedAbortController extends Original {
    constructor() {
      super();
      if (/[/\\](src[/\\]client|nice-grpc[/\\]lib[/\\]client)[/\\]/.test(new Error().stack ?? "")) made++;
    }
  };
}
afterEach(() => {
  globalThis.AbortController = Original;
});

describe("one AbortController per call", () => {
  it("invoke with its default deadline makes one; a stream with timeouts and a deadline, one", async () => {
    const { client } = await setup();
    await invoke(client, request); // connects
    countControllers();
    await invoke(client, request);
    expect(made).toBe(1);
    made = 0;
    for await (const _ of invokeStream(client, request, { timeoutMs: 60_000 }));
    expect(made).toBe(1);
  });

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
    const { controller, unlink } = callAbortController({ signal: own.signal, [callController]: own });
    expect(controller).toBe(own);
    unlink();
  });

  it("links a new one when a middleware put another signal in the options, or the call has none of its own", () => {
    const own = new AbortController();
    const other = new AbortController();
    const linked = callAbortController({ signal: other.signal, [callController]: own });
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
