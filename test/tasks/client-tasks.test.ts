// The client side of asynchronous tasks against a programmable gRPC server:
// what an async invoke sends, every task-id form it reads, the task model, and
// waitForTask's polling, timeout and abort.
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  batchGetTaskStatus,
  CancelledError,
  getTaskStatus,
  InternalError,
  invoke,
  invokeBatch,
  invokeStream,
  NotFoundError,
  ProviderError,
  TaskTimeoutError,
  ValidationError,
  waitForTask,
} from "tamar-model-client";
import { deferred } from "../helpers/deferred.js";
import { setup, userContext } from "../helpers/setup.js";

const chat = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext } as const;
const video = { provider: "openai", model: "sora-2", prompt: "a red kite", enableAsyncTask: true, userContext } as const;

async function* answer(message: object) {
  yield message;
}

const issuesOf = async (action: () => Promise<unknown>) => {
  const error = await action().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`);
};

describe("async invoke", () => {
  it("sends enable_async_task and callback_url in extra, as the Python SDK 0.5 does", async () => {
    const { server, client } = await setup();
    server.invoke = () => answer({ rawResponse: JSON.stringify({ task_id: "t-1", status: "processing" }) });
    const task = await invoke(client, { ...chat, enableAsyncTask: true, callbackUrl: "https://hooks.example.com/done" });
    expect(task).toEqual({ taskId: "t-1", status: "processing", requestId: expect.any(String), rawResponse: { task_id: "t-1", status: "processing" } });
    const sent = server.calls[0]?.request as { invokeType: string; stream: boolean; extra: Record<string, unknown> };
    expect(sent.invokeType).toBe("chat-completions");
    expect(sent.stream).toBe(false);
    expect(sent.extra).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      enable_async_task: true,
      callback_url: "https://hooks.example.com/done",
    });
    expect(sent.extra).not.toHaveProperty("enableAsyncTask");
  });

  it.each([
    ["raw_response { task_id } (this project's server)", { rawResponse: '{"task_id":"t-7","status":"processing"}' }, "processing"],
    ["raw_response { taskId }", { rawResponse: '{"taskId":"t-7"}' }, "processing"],
    ["raw_response { data: { task_id } }", { rawResponse: '{"code":0,"data":{"task_id":"t-7","status":"completed"}}' }, "completed"],
    ["raw_response { data: { taskId } }", { rawResponse: '{"data":{"taskId":"t-7"}}' }, "processing"],
    ["content { task_id }", { content: '{"task_id":"t-7"}' }, "processing"],
    ["content { taskId }", { content: '{"taskId":"t-7","status":"processing"}' }, "processing"],
    ["content as a bare id", { content: "t-7" }, "processing"],
  ])("reads the task id from %s", async (_form, message, status) => {
    const { server, client } = await setup();
    server.invoke = () => answer(message);
    const task = await invoke(client, video);
    expect(task.taskId).toBe("t-7");
    expect(task.status).toBe(status);
  });

  it("an answer that names no task is an InternalError, an in-band error a ProviderError", async () => {
    const { server, client } = await setup();
    server.invoke = () => answer({ content: "I am a sentence, not an id", rawResponse: '{"id":"x"}' });
    await expect(invoke(client, video)).rejects.toThrow(InternalError);
    server.invoke = () => answer({ content: "Here is your video", rawResponse: "" });
    await expect(invoke(client, video)).rejects.toThrow(/named no task id/);
    server.invoke = () => answer({ error: "quota exceeded" });
    await expect(invoke(client, video)).rejects.toThrow(ProviderError);
  });

  it("refuses what cannot be an async task, before any I/O, naming the field", async () => {
    const { server, client } = await setup();
    const { enableAsyncTask: _flag, ...direct } = video;
    expect(await issuesOf(() => invoke(client, direct as never))).toEqual([
      "enableAsyncTask: video-generation runs only as an asynchronous task: set enableAsyncTask: true (invoke then answers with the task)",
    ]);
    expect(await issuesOf(() => invoke(client, { ...chat, enableAsyncTask: false } as never))).toEqual([
      expect.stringMatching(/^enableAsyncTask: must be true for an asynchronous task/),
    ]);
    expect(await issuesOf(() => invoke(client, { ...chat, callbackUrl: "https://a.example" } as never))).toEqual([
      "callbackUrl: unknown field: a callback comes with an asynchronous task: set enableAsyncTask: true",
    ]);
    expect(await issuesOf(() => invoke(client, { ...video, callbackUrl: "ftp://a.example/x" }))).toEqual([
      "callbackUrl: must be an absolute http:// or https:// URL",
    ]);
    expect(await issuesOf(() => invokeStream(client, video as never).next())).toEqual([
      "enableAsyncTask: an asynchronous task answers with its task id, not a stream: call invoke, then getTaskStatus or waitForTask",
    ]);
    const { userContext: _user, ...item } = video;
    expect(await issuesOf(() => invokeBatch(client, { userContext, items: [item as never] }))).toEqual([
      "items.0.enableAsyncTask: unknown field: only single calls (invoke) run as asynchronous tasks",
    ]);
    expect(server.calls).toHaveLength(0);
  });

  it.each([
    [{ provider: "openai", model: "sora-2-pro", prompt: "x" }, "video-generation"],
    [{ provider: "azure", prompt: "x", seconds: "8" }, "video-generation"],
    [{ provider: "openai", model: "gpt-image-1", prompt: "x", input_reference: { image_url: "https://a.example/i.png" }, invokeType: "video-generation" }, "video-generation"],
    [{ provider: "google", model: "veo-3.0-generate-001", prompt: "x" }, "video-generation-genai"],
    [{ provider: "google", model: "m", source: { prompt: "x" } }, "video-generation-genai"],
    [{ provider: "google", model: "veo-2.0-generate-001", prompt: "x", image: { imageBytes: "AAAA", mimeType: "image/png" } }, "video-generation-genai"],
    [{ provider: "openai", prompt: "x" }, "image-generation"],
  ])("infers the invoke type of %j → %s", async (params, invokeType) => {
    const { server, client } = await setup();
    server.invoke = () => answer({ rawResponse: '{"task_id":"t"}' });
    await invoke(client, { ...params, enableAsyncTask: true, userContext } as never);
    expect((server.calls[0]?.request as { invokeType: string }).invokeType).toBe(invokeType);
  });
});

const wireTask = (overrides: object = {}) => ({
  taskId: "t-1",
  provider: "openai",
  channel: "normal",
  invokeType: "video-generation",
  model: "sora-2",
  status: "completed",
  createdAt: "2026-01-02T03:04:05.000Z",
  completedAt: "2026-01-02T03:05:00.000Z",
  resultData: '{"video":{"url":"https://v.example/1.mp4"}}',
  errorMessage: "",
  ...overrides,
});

describe("task status", () => {
  it("maps the wire task to the original's model: Dates, parsed resultData, no empty strings", async () => {
    const { server, client } = await setup();
    server.getTaskStatus = async () => wireTask();
    expect(await getTaskStatus(client, "t-1", { userContext })).toEqual({
      taskId: "t-1",
      provider: "openai",
      channel: "normal",
      invokeType: "video-generation",
      model: "sora-2",
      status: "completed",
      createdAt: new Date("2026-01-02T03:04:05.000Z"),
      completedAt: new Date("2026-01-02T03:05:00.000Z"),
      resultData: { video: { url: "https://v.example/1.mp4" } },
    });
    server.getTaskStatus = async () => wireTask({ status: "failed", completedAt: "", resultData: "not json", errorMessage: "boom" });
    expect(await getTaskStatus(client, "t-1")).toMatchObject({ status: "failed", resultData: { raw: "not json" }, errorMessage: "boom" });
    server.getTaskStatus = async () => wireTask({ status: "queued" });
    await expect(getTaskStatus(client, "t-1")).rejects.toThrow(/status "queued" for task t-1/);
    server.getTaskStatus = async () => wireTask({ createdAt: "yesterday" });
    await expect(getTaskStatus(client, "t-1")).rejects.toThrow(InternalError);
    server.getTaskStatus = async () => {
      throw new ServerError(Status.NOT_FOUND, "no task");
    };
    await expect(getTaskStatus(client, "t-1")).rejects.toThrow(NotFoundError);
    await expect(getTaskStatus(client, "")).rejects.toThrow(ValidationError);
  });

  it("batchGetTaskStatus maps every task, in order", async () => {
    const { server, client } = await setup();
    server.batchGetTaskStatus = async (request) => ({
      tasks: request.taskIds.map((taskId) => wireTask({ taskId, status: taskId === "b" ? "processing" : "completed" })),
    });
    const tasks = await batchGetTaskStatus(client, ["a", "b"]);
    expect(tasks.map((task) => [task.taskId, task.status, task.createdAt instanceof Date])).toEqual([
      ["a", "completed", true],
      ["b", "processing", true],
    ]);
    await expect(batchGetTaskStatus(client, ["a", ""])).rejects.toThrow(/taskIds.1: must be a non-empty string/);
  });
});

describe("waitForTask", () => {
  it("polls until the task ends, with growing jittered pauses, and returns the final state", async () => {
    const { server, client } = await setup();
    const polledAt: number[] = [];
    server.getTaskStatus = async () => {
      polledAt.push(performance.now());
      return wireTask(polledAt.length < 5 ? { status: "processing", completedAt: "", resultData: "" } : {});
    };
    const seen: string[] = [];
    const done = await waitForTask(client, "t-1", { pollIntervalMs: 10, maxPollIntervalMs: 40, onStatus: (status) => seen.push(status.status) });
    expect(done.status).toBe("completed");
    expect(seen).toEqual(["processing", "processing", "processing", "processing", "completed"]);
    const pauses = polledAt.slice(1).map((at, i) => at - polledAt[i]!);
    // backoff n is in [base·2ⁿ/2, base·2ⁿ], capped at the max: never shorter than half the step
    expect(pauses.every((pause, i) => pause >= Math.min(40, 10 * 2 ** i) / 2 - 1)).toBe(true);
  });

  it("returns a failed task (check status), keeps polling through a retryable error, throws NOT_FOUND", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0 } });
    let polls = 0;
    server.getTaskStatus = async () => {
      polls++;
      if (polls === 1) throw new ServerError(Status.UNAVAILABLE, "restarting");
      return wireTask({ status: "failed", errorMessage: "content policy" });
    };
    expect(await waitForTask(client, "t-1", { pollIntervalMs: 5 })).toMatchObject({ status: "failed", errorMessage: "content policy" });
    expect(polls).toBe(2);
    server.getTaskStatus = async () => {
      throw new ServerError(Status.NOT_FOUND, "no task");
    };
    await expect(waitForTask(client, "t-1", { pollIntervalMs: 5 })).rejects.toThrow(NotFoundError);
  });

  it("gives up with a TaskTimeoutError once timeoutMs passes, also during a status call", async () => {
    const { server, client } = await setup();
    server.getTaskStatus = async () => wireTask({ status: "processing" });
    const error = await waitForTask(client, "t-1", { timeoutMs: 60, pollIntervalMs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error).toMatchObject({ taskId: "t-1", message: "Task t-1 was still processing after 60 ms" });
    // A status call that hangs is cut by the same deadline.
    server.getTaskStatus = (_request) => new Promise(() => {});
    await expect(waitForTask(client, "t-1", { timeoutMs: 60 })).rejects.toThrow(TaskTimeoutError);
  });

  it("stops with a CancelledError when the signal aborts, while sleeping or during a status call", async () => {
    const { server, client } = await setup();
    const polled = deferred();
    server.getTaskStatus = async () => {
      polled.resolve();
      return wireTask({ status: "processing" });
    };
    const sleeping = new AbortController();
    const waiting = waitForTask(client, "t-1", { signal: sleeping.signal, pollIntervalMs: 60_000 });
    await polled.promise;
    sleeping.abort();
    await expect(waiting).rejects.toThrow(CancelledError);

    const inCall = deferred();
    const cancelledOnServer = deferred();
    server.getTaskStatus = () => {
      inCall.resolve();
      return new Promise(() => {});
    };
    const calling = new AbortController();
    const pending = waitForTask(client, "t-1", { signal: calling.signal });
    await inCall.promise;
    const call = server.calls.at(-1)!;
    call.signal.addEventListener("abort", () => cancelledOnServer.resolve());
    calling.abort();
    await expect(pending).rejects.toThrow(CancelledError);
    await cancelledOnServer.promise;
    await expect(waitForTask(client, "t-1", { pollIntervalMs: 0 })).rejects.toThrow(/pollIntervalMs: must be a positive/);
  });
});
