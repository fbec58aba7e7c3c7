import { Status, type Metadata } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";

describe("task status RPCs", () => {
  it("GetTaskStatus of an unknown id → NOT_FOUND saying why; an empty id → INVALID_ARGUMENT", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await authMetadata();
    const missing = await clientErrorOf(() => client.getTaskStatus({ taskId: "task-1" }, { metadata }));
    expect(missing.code).toBe(Status.NOT_FOUND);
    expect(missing.details).toBe('no task "task-1" for this tenant (it may have expired)');
    const empty = await clientErrorOf(() => client.getTaskStatus({ taskId: "" }, { metadata }));
    expect(empty.code).toBe(Status.INVALID_ARGUMENT);
  });

  it("BatchGetTaskStatus answers unknown ids with status failed and the reason, and bounds the ids per call", async () => {
    const { client } = await startReferenceServer({ offline: true, maxBatchItems: 3 });
    const metadata = await authMetadata();
    const { tasks } = await client.batchGetTaskStatus({ taskIds: ["a", "b"] }, { metadata });
    expect(tasks.map((task) => [task.taskId, task.status])).toEqual([
      ["a", "failed"],
      ["b", "failed"],
    ]);
    expect(tasks[0]?.errorMessage).toBe('task not found: no task "a" for this tenant (it may have expired)');
    const tooMany = await clientErrorOf(() => client.batchGetTaskStatus({ taskIds: ["a", "b", "c", "d"] }, { metadata }));
    expect(tooMany.code).toBe(Status.INVALID_ARGUMENT);
  });
});

describe("request id", () => {
  it("travels back in the x-request-id trailer, on success and on failure", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const trailers: Metadata[] = [];
    const onTrailer = (trailer: Metadata) => trailers.push(trailer);
    const request = { provider: "openai", invokeType: "chat-completions", orgId: "org-1", userId: "user-1", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } };
    await collect(client.invoke(request, { metadata: await authMetadata({ "x-request-id": "ok-1" }), onTrailer }));
    const failing = await authMetadata({ "x-request-id": "bad-1" });
    await clientErrorOf(() => collect(client.invoke({ ...request, provider: "nope" }, { metadata: failing, onTrailer })));
    const [generated] = await collect(client.invoke(request, { metadata: await authMetadata(), onTrailer }));
    expect(trailers.map((trailer) => trailer.get("x-request-id"))).toEqual(["ok-1", "bad-1", generated?.requestId]);
  });
});
