// The reference server's asynchronous tasks with the in-memory store, through
// the real client and a raw gRPC client: accepted at once, run in the
// background, read by their tenant only, expired after the TTL.
import { Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { type AsyncInvokeRequest, createModelClient, type ModelClient, NotFoundError, waitForTask, getTaskStatus, invoke, batchGetTaskStatus } from "tamar-model-client";
import type { ModelServerOptions } from "tamar-model-client/server";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { SECRET, signToken } from "../helpers/tokens.js";
import { userContext } from "../helpers/user-context.js";

async function serverAndClient(options: ModelServerOptions = {}) {
  const started = await startReferenceServer({ offline: true, offlineTaskDelayMs: 0, ...options });
  const client: ModelClient = createModelClient({ address: started.server.address, jwtSecretKey: SECRET, useTls: false, env: {}, envFile: false });
  return { ...started, modelClient: client, [Symbol.asyncDispose]: () => client.close() };
}

/** The box types at the top of an MP4 file. */
function topBoxes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at < bytes.length; at += bytes.readUInt32BE(at)) types.push(bytes.toString("ascii", at + 4, at + 8));
  return types;
}

const videoWire = (extra: Record<string, unknown>, invokeType = "video-generation") => ({
  provider: "openai",
  invokeType,
  orgId: "org-1",
  userId: "user-1",
  extra: { prompt: "a red kite over the sea", model: "sora-2", ...extra },
});

describe("asynchronous tasks, in memory", () => {
  it("an async chat call answers at once with a task, which completes with the whole answer", async () => {
    await using s = await serverAndClient();
    const task = await invoke(s.modelClient, {
      provider: "openai",
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say hi" }],
      max_tokens: 5,
      enableAsyncTask: true,
      userContext,
    });
    expect(task.status).toBe("processing");
    expect(task.taskId).toMatch(/^task_[0-9a-f]{32}$/);
    expect(task.rawResponse).toMatchObject({ task_id: task.taskId, provider: "openai", invoke_type: "chat-completions", model: "gpt-4o-mini" });
    const done = await waitForTask(s.modelClient, task.taskId, { pollIntervalMs: 5, timeoutMs: 10_000, userContext });
    expect(done).toMatchObject({ taskId: task.taskId, status: "completed", provider: "openai", channel: "normal", invokeType: "chat-completions", model: "gpt-4o-mini" });
    expect(done.createdAt).toBeInstanceOf(Date);
    expect(done.completedAt!.getTime()).toBeGreaterThanOrEqual(done.createdAt!.getTime());
    expect(done.resultData).toMatchObject({
      content: expect.any(String),
      usage: { total_tokens: expect.any(Number) },
      raw_response: { object: "chat.completion", choices: [{ finish_reason: "stop" }] },
    });
  });

  it.each([
    ["openai", "video-generation", { model: "sora-2", prompt: "a red kite", seconds: "4" }, { object: "video", status: "completed" }],
    ["azure", "video-generation", { model: "sora-2", prompt: "a red kite" }, { object: "video", status: "completed" }],
    ["google", "video-generation-genai", { model: "veo-3.0-generate-001", prompt: "a red kite" }, { done: true }],
  ])("a %s %s task ends with a small valid MP4", async (provider, invokeType, params, raw) => {
    await using s = await serverAndClient({ offlineTaskDelayMs: 20 });
    const task = await invoke(s.modelClient, { provider, ...params, enableAsyncTask: true, userContext } as AsyncInvokeRequest);
    expect(task.status).toBe("processing");
    const done = await waitForTask(s.modelClient, task.taskId, { pollIntervalMs: 5, timeoutMs: 10_000, userContext });
    expect(done).toMatchObject({ status: "completed", invokeType, model: params.model });
    const [video] = done.resultData!["videos"] as Array<{ mime_type: string; data: string; size_bytes: number }>;
    const bytes = Buffer.from(video!.data, "base64");
    expect(video).toMatchObject({ mime_type: "video/mp4", size_bytes: bytes.length });
    expect(topBoxes(bytes)).toEqual(["ftyp", "moov", "mdat"]);
    expect(done.resultData!["raw_response"]).toMatchObject(raw);
  });

  it("a video request is a task even without enable_async_task (raw gRPC, as an older client sends it)", async () => {
    const { client } = await serverAndClient();
    const [answer, ...rest] = await collect(client.invoke(videoWire({}), { metadata: await authMetadata() }));
    expect(rest).toEqual([]);
    expect(answer?.content).toBe("");
    expect(JSON.parse(answer!.rawResponse)).toMatchObject({ status: "processing", invoke_type: "video-generation" });
  });

  it("a batch item with enable_async_task is answered with its task (raw gRPC)", async () => {
    const { client } = await serverAndClient();
    const chat = { provider: "openai", invokeType: "chat-completions", orgId: "org-1", userId: "user-1", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } };
    const reply = await client.batchInvoke(
      { items: [{ ...chat, customId: "direct" }, { ...chat, customId: "later", extra: { ...chat.extra, enable_async_task: true } }] },
      { metadata: await authMetadata() },
    );
    expect(reply.items.map((item) => item.customId)).toEqual(["direct", "later"]);
    expect(reply.items[0]?.content).not.toBe("");
    expect(JSON.parse(reply.items[1]!.rawResponse)).toMatchObject({ task_id: expect.stringMatching(/^task_/), status: "processing" });
  });

  it("a provider failure fails the task with the provider's reason", async () => {
    await using s = await serverAndClient();
    const task = await invoke(s.modelClient, {
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      max_tokens: 1_000_000,
      messages: [{ role: "user", content: "write a lot" }],
      enableAsyncTask: true,
      userContext,
    });
    const done = await waitForTask(s.modelClient, task.taskId, { pollIntervalMs: 5, timeoutMs: 10_000, userContext });
    expect(done.status).toBe("failed");
    expect(done.errorMessage).toMatch(/the offline provider writes at most \d+ tokens/);
    expect(done.resultData).toBeUndefined();
  });

  it("a result larger than taskResultMaxBytes fails the task, saying so", async () => {
    await using s = await serverAndClient({ taskResultMaxBytes: 1_024 });
    const task = await invoke(s.modelClient, { provider: "openai", model: "sora-2", prompt: "x", enableAsyncTask: true, userContext });
    const done = await waitForTask(s.modelClient, task.taskId, { pollIntervalMs: 5, timeoutMs: 10_000, userContext });
    expect(done).toMatchObject({ status: "failed", errorMessage: expect.stringMatching(/^the result is \d+ bytes, more than this server keeps for a task \(1024; setting taskResultMaxBytes\)$/) });
  });

  it("a task is its tenant's: another org or user gets NOT_FOUND, and a failed entry in a batch", async () => {
    await using s = await serverAndClient();
    const task = await invoke(s.modelClient, { provider: "openai", model: "sora-2", prompt: "x", enableAsyncTask: true, userContext });
    await waitForTask(s.modelClient, task.taskId, { pollIntervalMs: 5, timeoutMs: 10_000, userContext });
    for (const other of [{ org_id: "org-2" }, { user_id: "user-2" }]) {
      const metadata = await authMetadata({}, await signToken(other));
      const error = await clientErrorOf(() => s.client.getTaskStatus({ taskId: task.taskId }, { metadata }));
      expect(error.code).toBe(Status.NOT_FOUND);
      expect(error.details).toBe(`no task "${task.taskId}" for this tenant (it may have expired)`);
      const { tasks } = await s.client.batchGetTaskStatus({ taskIds: [task.taskId] }, { metadata });
      expect(tasks).toMatchObject([{ taskId: task.taskId, status: "failed", errorMessage: expect.stringMatching(/^task not found/), resultData: "" }]);
    }
    const mine = await batchGetTaskStatus(s.modelClient, [task.taskId, "task_unknown"], { userContext });
    expect(mine.map((entry) => entry.status)).toEqual(["completed", "failed"]);
  });

  it("a finished task is kept for the TTL, then removed (clock injected)", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    await using s = await serverAndClient({ taskTtlMs: 60_000, now: () => clock });
    const task = await invoke(s.modelClient, { provider: "openai", model: "sora-2", prompt: "x", enableAsyncTask: true, userContext });
    const done = await waitForTask(s.modelClient, task.taskId, { pollIntervalMs: 5, timeoutMs: 10_000, userContext });
    expect(done.completedAt).toEqual(new Date(clock));
    clock += 59_999;
    expect((await getTaskStatus(s.modelClient, task.taskId, { userContext })).status).toBe("completed");
    clock += 1;
    await expect(getTaskStatus(s.modelClient, task.taskId, { userContext })).rejects.toThrow(NotFoundError);
  });

  it("the default TTL is 24 hours", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    await using s = await serverAndClient({ now: () => clock });
    const task = await invoke(s.modelClient, { provider: "openai", model: "sora-2", prompt: "x", enableAsyncTask: true, userContext });
    await waitForTask(s.modelClient, task.taskId, { pollIntervalMs: 5, timeoutMs: 10_000, userContext });
    clock += 24 * 3_600_000 - 1;
    await expect(getTaskStatus(s.modelClient, task.taskId, { userContext })).resolves.toMatchObject({ status: "completed" });
    clock += 1;
    await expect(getTaskStatus(s.modelClient, task.taskId, { userContext })).rejects.toThrow(NotFoundError);
  });

  it("refuses what cannot be a task, naming the field (raw gRPC)", async () => {
    const { client } = await serverAndClient();
    const metadata = await authMetadata();
    const refusal = async (request: object) => (await clientErrorOf(() => collect(client.invoke(request as never, { metadata })))).details;
    expect(await refusal({ ...videoWire({}), stream: true })).toBe("stream: an asynchronous task (video-generation always is one) answers with its task id, not a stream");
    expect(await refusal(videoWire({ callback_url: "https://hooks.example.com/x" }))).toBe(
      "extra.callback_url: this server sends no callbacks: it has no webhook secret (setting webhookSecret)",
    );
    expect(await refusal(videoWire({ enable_async_task: "yes" }))).toBe("extra.enable_async_task: must be true or false");
    expect(await refusal({ ...videoWire({}), invokeType: "chat-completions", extra: { model: "m", messages: [], callback_url: "https://h.example" } })).toBe(
      "extra.callback_url: a callback comes with an asynchronous task: send enable_async_task: true with it",
    );
    expect(await refusal(videoWire({ prompt: "" }))).toBe("extra.prompt: must not be empty");
  });
});
