// Tasks shared through the real Redis (127.0.0.1:6379, own key prefix):
// replicas in one process, then three server processes with one killed
// mid-task.
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createModelClient, getTaskStatus, invoke, NotFoundError, waitForTask } from "tamar-model-client";
import { runCli, type CliProcess } from "../helpers/cli-process.js";
import { keysUnder, redisPrefix, redisUrl } from "../helpers/redis.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { SECRET } from "../helpers/tokens.js";
import { hasValidSignature, startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { userContext } from "../helpers/user-context.js";

const clientOf = (address: string) => createModelClient({ address, jwtSecretKey: SECRET, useTls: false, env: {}, envFile: false });
const video = { provider: "openai", model: "sora-2", prompt: "a red kite", enableAsyncTask: true, userContext } as const;

describe("the Redis task store", () => {
  it("any replica answers for any task; a finished task expires after the TTL on every replica", async () => {
    const prefix = redisPrefix();
    let clock = Date.now();
    const options = { offline: true, offlineTaskDelayMs: 50, redisUrl: await redisUrl(), redisKeyPrefix: prefix, taskTtlMs: 60_000, now: () => clock } as const;
    const [a, b] = await Promise.all([startReferenceServer(options), startReferenceServer(options)]);
    await using clientA = clientOf(a.server.address);
    await using clientB = clientOf(b.server.address);
    const task = await invoke(clientA, video);
    const done = await waitForTask(clientB, task.taskId, { userContext, pollIntervalMs: 10, timeoutMs: 15_000 });
    expect(done).toMatchObject({ taskId: task.taskId, status: "completed", invokeType: "video-generation" });
    expect((done.resultData!["videos"] as unknown[]).length).toBe(1);
    expect(await getTaskStatus(clientA, task.taskId, { userContext })).toEqual(done);
    expect(await keysUnder(prefix)).toContain(`${prefix}:task:${task.taskId}`);
    clock += 60_000;
    await expect(getTaskStatus(clientA, task.taskId, { userContext })).rejects.toThrow(NotFoundError);
    await expect(getTaskStatus(clientB, task.taskId, { userContext })).rejects.toThrow(NotFoundError);
  });

  it("an unreachable Redis stops the server from starting, naming the setting", async () => {
    await expect(
      startReferenceServer({ offline: true, redisUrl: "redis://127.0.0.1:1", redisKeyPrefix: redisPrefix() }),
    ).rejects.toThrow(/cannot reach Redis at the configured redisUrl/);
  });

  it(
    "three server processes: one killed mid-task, another finishes it; the task completes once and its callback has one webhook-id",
    { timeout: 90_000 },
    async () => {
      const prefix = redisPrefix();
      const receiver = await startWebhookReceiver();
      const secret = `whsec_${randomBytes(24).toString("base64")}`;
      const dir = mkdtempSync(join(tmpdir(), "tamar-redis-"));
      writeFileSync(join(dir, "webhook-secret"), secret);
      const env = {
        MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET,
        TAMAR_MODEL_SERVER_OFFLINE: "true",
        // Long enough to kill the replica running it; short locks so a survivor takes over quickly.
        TAMAR_MODEL_SERVER_OFFLINE_TASK_DELAY_MS: "3000",
        TAMAR_MODEL_SERVER_TASK_LOCK_MS: "2000",
        TAMAR_MODEL_SERVER_REDIS_URL: await redisUrl(),
        TAMAR_MODEL_SERVER_CALLBACK_RETRY_BASE_MS: "50",
      };
      const args = ["--port", "0", "--redis-key-prefix", prefix, "--webhook-secret-file", join(dir, "webhook-secret"), "--callback-allowed-origins", receiver.origin];
      const replicas: CliProcess[] = [runCli(args, { env }), runCli(args, { env }), runCli(args, { env })];
      const addresses = await Promise.all(replicas.map(async (replica) => /listening on (\S+)/.exec(await replica.line(/listening on/))![1]!));

      await using submitter = clientOf(addresses[0]!);
      const task = await invoke(submitter, { ...video, callbackUrl: receiver.url });
      const started = /"msg":"task started"/;
      const runner = await Promise.race(replicas.map((replica) => replica.line(started, "stderr").then(() => replica)));
      runner.child.kill("SIGKILL");
      await runner.exited;

      const survivors = replicas.filter((replica) => replica !== runner);
      const survivorAddress = addresses[replicas.indexOf(survivors[0]!)]!;
      await using reader = clientOf(survivorAddress);
      const done = await waitForTask(reader, task.taskId, { userContext, pollIntervalMs: 50, timeoutMs: 60_000 });
      expect(done.status).toBe("completed");
      const [delivery] = await receiver.received(1);

      const lines = (pattern: RegExp) => replicas.flatMap((replica) => replica.stderr.filter((line) => pattern.test(line) && line.includes(task.taskId)));
      // The killed run and the takeover (more only if a loaded machine made a live lock look stalled).
      expect(lines(started).length).toBeGreaterThanOrEqual(2);
      expect(lines(/"msg":"task finished"/)).toHaveLength(1);
      // Every delivery so far carries the task's one webhook-id, validly signed.
      expect(new Set(receiver.deliveries.map((entry) => entry.headers["webhook-id"]))).toEqual(new Set([`msg_${task.taskId}`]));
      expect(hasValidSignature(delivery!, secret)).toBe(true);
      expect(JSON.parse(delivery!.body)).toMatchObject({ type: "task.completed", data: { task_id: task.taskId, status: "completed" } });
      // Every surviving replica reads the same finished task.
      for (const address of addresses.filter((_, index) => replicas[index] !== runner)) {
        await using client = clientOf(address);
        expect(await getTaskStatus(client, task.taskId, { userContext })).toEqual(done);
      }
      for (const replica of survivors) replica.child.kill("SIGTERM");
      await Promise.all(survivors.map((replica) => replica.exited));
    },
  );
});
