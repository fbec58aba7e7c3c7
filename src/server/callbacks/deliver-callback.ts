/**
 * Delivers a finished task to its callback URL: a signed POST (Standard
 * Webhooks), retried with exponential backoff and jitter until the receiver
 * answers 2xx, refuses for good (a 4xx other than 408, 409, 425, 429), or the
 * retry window ends. Redirects are not followed: a 3xx could point anywhere.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ServerLogger } from "../logging/logger.js";
import type { TaskRecord } from "../tasks/task-record.js";
import { toWireTask } from "../tasks/task-record.js";
import type { CallbackAllowList } from "./callback-allow-list.js";
import { webhookHeaders } from "./webhook-signature.js";

export interface CallbackSettings {
  /** HMAC key (see webhookKey). */
  readonly key: Uint8Array;
  readonly allowList: CallbackAllowList;
  /** How long redeliveries go on after the first attempt, ms. */
  readonly retryWindowMs: number;
  /** First pause between attempts, ms; it doubles per attempt, up to `maxRetryDelayMs`. */
  readonly retryBaseMs: number;
  readonly maxRetryDelayMs: number;
  /** One attempt's time limit, ms. */
  readonly attemptTimeoutMs: number;
  readonly logger: ServerLogger;
}

/** One callback: the same id and body on every attempt. */
export interface CallbackDelivery {
  readonly url: string;
  readonly webhookId: string;
  readonly body: string;
}

/** The webhook id of a task's callback: derived from the task, so every replica and redelivery uses the same one. */
export const webhookIdOf = (taskId: string): string => `msg_${taskId}`;

/** The callback of a finished task: `{ type, timestamp, data }` with the task in its wire (snake_case) form. */
export function callbackOf(record: TaskRecord): CallbackDelivery | undefined {
  if (!record.callbackUrl) return undefined;
  const wire = toWireTask(record);
  let resultData: unknown = null;
  if (wire.resultData) {
    try {
      resultData = JSON.parse(wire.resultData);
    } catch {
      resultData = { raw: wire.resultData };
    }
  }
  const body = JSON.stringify({
    type: `task.${record.status}`,
    timestamp: wire.completedAt,
    data: {
      task_id: wire.taskId,
      status: wire.status,
      provider: wire.provider,
      channel: wire.channel,
      invoke_type: wire.invokeType,
      model: wire.model,
      created_at: wire.createdAt,
      completed_at: wire.completedAt,
      result_data: resultData,
      error_message: wire.errorMessage,
    },
  });
  return { url: record.callbackUrl, webhookId: webhookIdOf(record.id), body };
}

const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** Delivers `delivery`; resolves true once a 2xx was received, false when it gave up. Never throws. */
export async function deliverCallback(delivery: CallbackDelivery, settings: CallbackSettings, signal: AbortSignal): Promise<boolean> {
  const log = (level: "info" | "warn", msg: string, fields: Record<string, unknown>) =>
    settings.logger({ level, msg, webhook_id: delivery.webhookId, ...fields });
  const refusal = settings.allowList.refusal(delivery.url);
  if (refusal) {
    // Checked when the task was created too; the list may have changed since.
    log("warn", "callback not sent", { reason: refusal });
    return false;
  }
  const giveUpAt = Date.now() + settings.retryWindowMs;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return false;
    let outcome: string;
    let retry: boolean;
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "tamar-model-server",
          ...webhookHeaders(settings.key, delivery.webhookId, Math.floor(Date.now() / 1000), delivery.body),
        },
        body: delivery.body,
        redirect: "manual",
        signal: AbortSignal.any([signal, AbortSignal.timeout(settings.attemptTimeoutMs)]),
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) {
        log("info", "callback delivered", { attempt, status: response.status });
        return true;
      }
      outcome = `HTTP ${response.status}`;
      retry = response.status >= 500 || RETRYABLE_4XX.has(response.status);
    } catch (error) {
      if (signal.aborted) return false;
      outcome = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      retry = true;
    }
    const pause = Math.round((Math.min(settings.maxRetryDelayMs, settings.retryBaseMs * 2 ** (attempt - 1)) * (1 + Math.random())) / 2);
    if (!retry || Date.now() + pause > giveUpAt) {
      log("warn", "callback not delivered", { attempt, outcome, gave_up: retry ? "retry window over" : "the receiver refused it" });
      return false;
    }
    log("info", "callback attempt failed, retrying", { attempt, outcome, retry_in_ms: pause });
    try {
      await sleep(pause, undefined, { signal });
    } catch {
      return false;
    }
  }
}
