// Task callbacks: Standard Webhooks signatures, redelivery with the same
// webhook-id, bounded retries, and the allow-list that keeps the server from
// posting anywhere it is told to (SSRF).
import { randomBytes } from "node:crypto";
import { Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { createModelClient, InvalidArgumentError, invoke, type ModelClient } from "tamar-model-client";
import { ModelServerConfigError, startModelServer, type ModelServerOptions } from "tamar-model-client/server";
import { deferred } from "../helpers/deferred.js";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { SECRET } from "../helpers/tokens.js";
import { hasValidSignature, startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { parseCallbackAllowList } from "../../src/server/callbacks/callback-allow-list.js";
import { userContext } from "../helpers/user-context.js";

const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;

async function start(options: ModelServerOptions) {
  const records: Array<Record<string, unknown>> = [];
  const gaveUp = deferred<Record<string, unknown>>();
  const { server, client } = await startReferenceServer({
    offline: true,
    offlineTaskDelayMs: 0,
    webhookSecret,
    callbackRetryBaseMs: 10,
    logger: (record) => {
      records.push(record);
      if (record.msg === "callback not delivered") gaveUp.resolve(record);
    },
    ...options,
  });
  const modelClient: ModelClient = createModelClient({ address: server.address, jwtSecretKey: SECRET, useTls: false, env: {}, envFile: false });
  return { server, client, modelClient, records, gaveUp: gaveUp.promise, [Symbol.asyncDispose]: () => modelClient.close() };
}

const videoTask = (callbackUrl: string) =>
  ({ provider: "openai", model: "sora-2", prompt: "a red kite", enableAsyncTask: true, callbackUrl, userContext }) as const;

describe("task callbacks", () => {
  it("POSTs the finished task, signed per Standard Webhooks", async () => {
    const receiver = await startWebhookReceiver();
    await using s = await start({ callbackAllowedOrigins: [receiver.origin] });
    const task = await invoke(s.modelClient, videoTask(receiver.url));
    const [delivery] = await receiver.received(1);
    expect(delivery!.path).toBe("/hooks/tasks");
    expect(delivery!.headers["content-type"]).toBe("application/json");
    expect(delivery!.headers["webhook-id"]).toBe(`msg_${task.taskId}`);
    expect(Math.abs(Number(delivery!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(delivery!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(hasValidSignature(delivery!, webhookSecret)).toBe(true);
    // A different secret, or a changed body, does not verify.
    expect(hasValidSignature(delivery!, `whsec_${randomBytes(24).toString("base64")}`)).toBe(false);
    expect(hasValidSignature({ ...delivery!, body: delivery!.body.replace("completed", "failed") }, webhookSecret)).toBe(false);
    const body = JSON.parse(delivery!.body);
    expect(body).toMatchObject({
      type: "task.completed",
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { task_id: task.taskId, status: "completed", provider: "openai", invoke_type: "video-generation", model: "sora-2", error_message: "" },
    });
    expect(body.data.result_data.videos[0]).toMatchObject({ mime_type: "video/mp4" });
  });

  it("redelivers after failures with the same webhook-id and body, each attempt signed", async () => {
    const receiver = await startWebhookReceiver([500, 503, 429, 200]);
    await using s = await start({ callbackAllowedOrigins: [receiver.origin] });
    const task = await invoke(s.modelClient, videoTask(receiver.url));
    const deliveries = await receiver.received(4);
    expect(new Set(deliveries.map((delivery) => delivery.headers["webhook-id"]))).toEqual(new Set([`msg_${task.taskId}`]));
    expect(new Set(deliveries.map((delivery) => delivery.body)).size).toBe(1);
    expect(deliveries.every((delivery) => hasValidSignature(delivery, webhookSecret))).toBe(true);
    const attempts = s.records.filter((record) => record.msg === "callback attempt failed, retrying");
    expect(attempts.map((record) => record.outcome)).toEqual(["HTTP 500", "HTTP 503", "HTTP 429"]);
    // Exponential backoff with jitter: attempt n waits between half and all of base·2ⁿ⁻¹.
    attempts.forEach((record, index) => {
      expect(record.retry_in_ms).toBeGreaterThanOrEqual((10 * 2 ** index) / 2);
      expect(record.retry_in_ms).toBeLessThanOrEqual(10 * 2 ** index);
    });
  });

  it("gives up when the retry window is over, and at once when the receiver refuses (4xx) or redirects", async () => {
    const failing = await startWebhookReceiver(Array(1000).fill(503));
    {
      await using s = await start({ callbackAllowedOrigins: [failing.origin], callbackRetryWindowMs: 300 });
      await invoke(s.modelClient, videoTask(failing.url));
      const record = await s.gaveUp;
      expect(record).toMatchObject({ gave_up: "retry window over", outcome: "HTTP 503" });
      expect(failing.deliveries.length).toBe(record.attempt);
      expect(failing.deliveries.length).toBeGreaterThanOrEqual(2);
    }
    for (const [status, headers] of [
      [400, {}],
      [302, { location: "http://169.254.169.254/latest/meta-data/" }],
    ] as const) {
      const receiver = await startWebhookReceiver([status], headers);
      await using s = await start({ callbackAllowedOrigins: [receiver.origin] });
      await invoke(s.modelClient, videoTask(receiver.url));
      expect(await s.gaveUp).toMatchObject({ attempt: 1, outcome: `HTTP ${status}`, gave_up: "the receiver refused it" });
      expect(receiver.deliveries).toHaveLength(1);
    }
  });

  it("refuses callback URLs off the allow-list when the task is created: none by default, internal addresses included", async () => {
    const receiver = await startWebhookReceiver();
    {
      await using s = await start({});
      const error = await invoke(s.modelClient, videoTask(receiver.url)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(
        "extra.callback_url: this server sends callbacks to allowed origins only, and none is allowed (setting callbackAllowedOrigins)",
      );
    }
    await using s = await start({ callbackAllowedOrigins: [receiver.origin] });
    const metadata = await authMetadata();
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6379/", "http://localhost:1/x", `${receiver.origin.replace("http:", "https:")}/x`, "http://user:pw@127.0.0.1/"]) {
      const request = { provider: "openai", invokeType: "video-generation", orgId: "org-1", userId: "user-1", extra: { prompt: "x", callback_url: url } };
      const error = await clientErrorOf(() => collect(s.client.invoke(request, { metadata })));
      expect(error.code, url).toBe(Status.INVALID_ARGUMENT);
      expect(error.details, url).toMatch(/^extra\.callback_url: /);
    }
    expect(receiver.deliveries).toHaveLength(0);
    // Nothing was created for the refused requests, and no request reached an address.
    expect(s.records.some((record) => record.msg === "callback not sent" || record.msg === "callback delivered")).toBe(false);
  });

  it("allow-list entries: exact origins and *.domain wildcards; malformed ones stop the server from starting", async () => {
    const list = parseCallbackAllowList(["https://hooks.example.com", "https://*.tenant.example", "http://127.0.0.1:9000"]);
    expect(list.refusal("https://hooks.example.com/a?b=c")).toBeUndefined();
    expect(list.refusal("https://a.b.tenant.example/x")).toBeUndefined();
    expect(list.refusal("http://127.0.0.1:9000/")).toBeUndefined();
    expect(list.refusal("https://tenant.example/x")).toMatch(/not an allowed callback origin/);
    expect(list.refusal("http://hooks.example.com/")).toMatch(/not an allowed callback origin/);
    expect(list.refusal("https://hooks.example.com.evil.test/")).toMatch(/not an allowed callback origin/);
    expect(list.refusal("http://127.0.0.1:9001/")).toMatch(/not an allowed callback origin/);
    expect(list.refusal("file:///etc/passwd")).toBe("only http and https callbacks are sent");
    for (const bad of ["https://hooks.example.com/path", "hooks.example.com", "ftp://x.example", "https://hooks.example.com/"]) {
      await expect(
        startModelServer({ port: 0, jwtSecretKey: SECRET, env: {}, offline: true, callbackAllowedOrigins: [bad] }),
        bad,
      ).rejects.toThrow(ModelServerConfigError);
    }
  });

  it("without a webhook secret, a callback is refused when the task is created", async () => {
    const receiver = await startWebhookReceiver();
    await using s = await start({ webhookSecret: undefined, callbackAllowedOrigins: [receiver.origin] });
    await expect(invoke(s.modelClient, videoTask(receiver.url))).rejects.toThrow(/this server sends no callbacks: it has no webhook secret/);
  });
});
