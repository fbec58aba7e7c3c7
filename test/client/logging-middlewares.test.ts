// The optional logger and user middlewares.
import { ServerError, Status } from "nice-grpc";
import type { CallOptions, ClientMiddleware, ClientMiddlewareCall } from "nice-grpc-common";
import { describe, expect, it } from "vitest";
import { invoke, invokeStream, type Logger, type InvokeRequest, type ModelClientOptions } from "tamar-model-client";
import { clientStateOf } from "../../src/client/internal/client-state.js";
import { FINISHED } from "../helpers/scripted-server.js";
import { setup, userContext } from "../helpers/setup.js";

const secretPrompt = "my very private prompt";
const request: InvokeRequest = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: secretPrompt }], userContext };

function recordingLogger() {
  const events: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => events.push({ level, fields, message });
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, events };
}

const passThrough: ClientMiddleware = async function* (call, options) {
  return yield* call.next(call.request, options);
};

// A logger alone keeps the client on its fused call layer; a middleware of
// the user's puts it on nice-grpc's chain. Both log the same.
const PATHS: { path: "fused" | "chain"; extra: Pick<ModelClientOptions, "middlewares"> }[] = [
  { path: "fused", extra: {} },
  { path: "chain", extra: { middlewares: [passThrough] } },
];

describe.each(PATHS)("logging on the $path path", ({ path, extra }) => {
  it("logs start, retry and end with request id, provider, model, duration and usage — never prompt text or secrets", async () => {
    const { logger, events } = recordingLogger();
    const { server, client } = await setup({ client: { logger, jwtSecretKey: "top-secret-key", ...extra } });
    expect(clientStateOf(client).fusedInvoke).toBe(path === "fused");
    let calls = 0;
    server.invoke = async function* () {
      if (++calls === 1) throw new ServerError(Status.UNAVAILABLE, "blip");
      yield { content: "answer text", usage: '{"total_tokens":9}' };
    };
    await invoke(client, request, { requestId: "req-log" });
    expect(events.map((e) => [e.level, e.fields["event"]])).toEqual([
      ["debug", "request.start"],
      ["warn", "request.retry"],
      ["info", "request.end"],
    ]);
    for (const event of events) {
      expect(event.fields).toMatchObject({ request_id: "req-log", method: "Invoke", provider: "openai", invoke_type: "chat-completions", model: "gpt-4o-mini" });
    }
    expect(events[2]!.fields).toMatchObject({ usage: { total_tokens: 9 }, messages: 1, duration_ms: expect.any(Number) });
    const text = JSON.stringify(events);
    expect(text).not.toContain(secretPrompt);
    expect(text).not.toContain("answer text");
    expect(text).not.toContain("top-secret-key");
    expect(text).not.toContain("Bearer");
  });

  it("logs a failure as request.error with its code", async () => {
    const { logger, events } = recordingLogger();
    const { server, client } = await setup({ client: { logger, ...extra } });
    server.invoke = () => {
      throw new ServerError(Status.INVALID_ARGUMENT, "nope");
    };
    await expect(invoke(client, request)).rejects.toThrow();
    expect(events.at(-1)).toMatchObject({ level: "error", fields: { event: "request.error", code: "INVALID_ARGUMENT" } });
  });
});

describe("user middlewares", () => {
  it("run once per attempt, inside the client's own, seeing request id, deadline and token", async () => {
    const seen: Record<string, string | undefined>[] = [];
    async function* spy<Req, Res>(call: ClientMiddlewareCall<Req, Res>, options: CallOptions) {
      seen.push({
        requestId: options.metadata?.get("x-request-id"),
        timeout: options.metadata?.get("grpc-timeout"),
        authorization: options.metadata?.get("authorization")?.slice(0, 7),
      });
      options.metadata?.set("x-tenant-tag", "blue");
      return yield* call.next(call.request, options);
    }
    const { server, client } = await setup({ client: { middlewares: [spy], jwtToken: "tok" } });
    let calls = 0;
    server.invoke = async function* () {
      if (++calls === 1) throw new ServerError(Status.UNAVAILABLE, "blip");
      yield { content: "ok", ...FINISHED };
    };
    await invoke(client, request, { requestId: "req-mw" });
    expect(seen).toEqual([
      { requestId: "req-mw", timeout: expect.stringMatching(/^\d+m$/), authorization: "Bearer " },
      { requestId: "req-mw", timeout: expect.stringMatching(/^\d+m$/), authorization: "Bearer " },
    ]);
    expect(server.calls[1]!.metadata["x-tenant-tag"]).toBe("blue");
    for await (const _ of invokeStream(client, request));
    expect(seen.at(-1)!.timeout).toBeUndefined();
  });

  it("caller metadata is sent and not mutated", async () => {
    const { server, client } = await setup();
    const metadata = { "x-trace": "t-1" };
    await invoke(client, request, { metadata });
    expect(server.calls[0]!.metadata["x-trace"]).toBe("t-1");
    expect(metadata).toEqual({ "x-trace": "t-1" });
  });
});

describe.each(PATHS)("logging a stream the caller stops reading, $path path", ({ extra }) => {
  it("still logs request.end, marked not completed", async () => {
    const { logger, events } = recordingLogger();
    const { client } = await setup({ client: { logger, ...extra } });
    for await (const _ of invokeStream(client, request)) break;
    expect(events.at(-1)).toMatchObject({ level: "info", fields: { event: "request.end", messages: 1, completed: false } });
  });
});
