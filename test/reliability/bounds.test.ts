// Bounded by design: no request field, server reply or provider text makes an
// error message, a status or a log line unbounded, and an oversized value is
// a prompt typed error that holds up no other call on the connection.
import { Metadata, ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  createModelClient,
  getTaskStatus,
  InternalError,
  invoke,
  invokeBatch,
  ValidationError,
} from "tamar-model-client";
import { jsonLinesLogger, MAX_LOG_FIELD_CHARS, MAX_LOG_LINE_CHARS } from "tamar-model-client/server";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { setup } from "../helpers/setup.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { chatRequest, startStack, userContext } from "./helpers/stack.js";
import { wireTenant } from "../helpers/user-context.js";

const HUGE = "z".repeat(200 * 1024);
const tenant = wireTenant;
const chat = { ...tenant, provider: "openai", invokeType: "chat-completions", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } };

describe("the server refuses oversized identifiers at once, with a small status", () => {
  it.each([
    ["a 200 KB task id", (client: Awaited<ReturnType<typeof startReferenceServer>>["client"], metadata: Metadata) => client.getTaskStatus({ taskId: HUGE }, { metadata }), /^task_id: at most 256 characters, got 204800$/],
    ["200 KB task ids", (client: Awaited<ReturnType<typeof startReferenceServer>>["client"], metadata: Metadata) => client.batchGetTaskStatus({ taskIds: ["t-1", HUGE] }, { metadata }), /^task_ids\.1: at most 256/],
    ["a 200 KB provider", (client: Awaited<ReturnType<typeof startReferenceServer>>["client"], metadata: Metadata) => collect(client.invoke({ ...chat, provider: HUGE }, { metadata })), /^provider: at most 256/],
    ["a 200 KB batch item model", (client: Awaited<ReturnType<typeof startReferenceServer>>["client"], metadata: Metadata) => client.batchInvoke({ items: [chat, { ...chat, extra: { ...chat.extra, model: HUGE } }] }, { metadata }), /^items\.1\.model: at most 256/],
  ] as const)("%s → INVALID_ARGUMENT, and a call sharing the connection is not held up", async (_name, call, message) => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await authMetadata();
    const [refused, other] = await Promise.all([
      clientErrorOf(() => call(client, metadata)),
      // Its own deadline: a session stalled by a huge status would fail it with DEADLINE_EXCEEDED.
      collect(client.invoke({ ...chat, stream: true }, { metadata: await authMetadata({ "grpc-timeout": "10S" }) })),
    ]);
    expect(refused.code).toBe(Status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(message);
    expect(refused.details.length).toBeLessThan(300);
    expect(other.length).toBeGreaterThan(1);
  });

  it("a value quoted in a status is cut at 256 characters and marked", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const error = await clientErrorOf(async () => collect(client.invoke({ ...chat, provider: "p".repeat(256) }, { metadata: await authMetadata() })));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toContain(`"${"p".repeat(256)}" is not supported`);
    const channel = await clientErrorOf(async () => collect(client.invoke({ ...chat, channel: "c".repeat(256) }, { metadata: await authMetadata() })));
    expect(channel.details).toContain(`"${"c".repeat(256)}"`);
  });
});

describe("log lines are bounded and one line each", () => {
  it(`every field at most ${MAX_LOG_FIELD_CHARS} characters, every line at most ${MAX_LOG_LINE_CHARS}, U+2028 / U+2029 / C1 escaped`, async () => {
    const lines: string[] = [];
    const { client } = await startReferenceServer({ offline: true, logger: jsonLinesLogger({ write: (line: string) => lines.push(line) }, "debug") });
    const clientType = `a\u2028b\u2029c\u0085d\u009be`.padEnd(256, "x");
    await collect(client.invoke({ ...chat, clientType }, { metadata: await authMetadata({ "x-origin-request-id": "o".repeat(7000) }) }));
    const call = lines.find((line) => line.includes('"msg":"call"'));
    expect(call).toBeDefined();
    for (const line of lines) {
      expect(line.endsWith("\n")).toBe(true);
      expect(line.slice(0, -1)).not.toMatch(/[\n\r\u0085\u009b\u2028\u2029]/);
      expect(line.length).toBeLessThanOrEqual(MAX_LOG_LINE_CHARS + 1);
    }
    const record = JSON.parse(call!);
    expect(record.client_type).toBe(clientType);
    expect(record.origin_request_id.length).toBeLessThanOrEqual(MAX_LOG_FIELD_CHARS + 20);
    expect(record.origin_request_id).toMatch(/…\[\+\d+ chars\]$/);
  });
});

describe("the client refuses oversized values before any I/O, with bounded messages", () => {
  it("a 200 KB model or org id: ValidationError naming the field, message bounded", async () => {
    const { server, client } = await setup();
    for (const [request, path] of [
      [{ ...chatRequest("hi"), model: HUGE }, "model"],
      [{ ...chatRequest("hi"), userContext: { ...userContext, orgId: HUGE } }, "userContext.orgId"],
      [{ ...chatRequest("hi"), provider: HUGE }, "provider"],
    ] as const) {
      const error = await invoke(client, request as never).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path), path).toContain(path);
      expect((error as Error).message.length, path).toBeLessThan(2_000);
    }
    expect(await getTaskStatus(client, HUGE).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    expect(server.calls).toHaveLength(0);
  });

  it("a 1 MB metadata header: ValidationError naming it; a 1 MB token: ConfigurationError", async () => {
    const { server, client } = await setup();
    const error = await invoke(client, chatRequest("hi"), { metadata: { "x-trace": "t".repeat(1024 * 1024) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe("options.metadata.x-trace");
    expect(server.calls).toHaveLength(0);
    expect(() => createModelClient({ address: server.address, useTls: false, env: {}, envFile: false, jwtToken: "j".repeat(1024 * 1024) })).toThrow(ConfigurationError);
  });

  it("errors made of server data are bounded: a 12 KB status, 1,000 unknown custom ids", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0 } });
    server.invoke = () => {
      // As long as HTTP/2 carries in a trailer; a bigger one is the server's to bound (above).
      throw new ServerError(Status.INTERNAL, "d".repeat(12 * 1024));
    };
    server.batchInvoke = async () => ({ items: Array.from({ length: 1000 }, (_, i) => ({ customId: `${i}`.padEnd(10_000, "u"), content: "x" })) });
    const status = await invoke(client, chatRequest("hi")).catch((e: unknown) => e);
    expect(status).toBeInstanceOf(InternalError);
    expect((status as Error).message.length).toBeLessThan(5_000);
    const { userContext: _, ...item } = chatRequest("hi");
    const batch = await invokeBatch(client, { userContext, items: [item] }).catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(InternalError);
    expect((batch as Error).message).toContain("1000 custom id(s)");
    expect((batch as Error).message.length).toBeLessThan(5_000);
  });
});
