/**
 * An asynchronous task as the server keeps it, and its two wire forms: the
 * answer to the Invoke that created it and a GetTaskStatus entry.
 */
import { randomUUID } from "node:crypto";
import type { GetTaskStatusResponse, ModelRequestItem, ModelResponseItem } from "../../gen/model_service/model_service.js";

export type TaskState = "processing" | "completed" | "failed";

/** The stored state of one task. Times are epoch milliseconds. */
export interface TaskRecord {
  readonly id: string;
  /** The tenant that created it: only this org and user can read it. */
  readonly orgId: string;
  readonly userId: string;
  readonly provider: string;
  readonly channel: string;
  readonly invokeType: string;
  readonly model: string;
  readonly createdAt: number;
  readonly callbackUrl?: string | undefined;
  status: TaskState;
  completedAt?: number | undefined;
  /** JSON text of the result (completed tasks). */
  resultData?: string | undefined;
  errorMessage?: string | undefined;
}

/** What a store needs to run a task anywhere: its record and the request it runs. */
export interface TaskSpec {
  readonly record: TaskRecord;
  /** The wire request (JSON-safe: binary inputs are already text). */
  readonly request: ModelRequestItem;
}

/** How a task ended. */
export type TaskOutcome =
  | { readonly status: "completed"; readonly resultData: string }
  | { readonly status: "failed"; readonly errorMessage: string };

/** A fresh, unguessable task id. */
export const newTaskId = (): string => `task_${randomUUID().replaceAll("-", "")}`;

/** The record once `outcome` is applied at `now`. */
export function finished(record: TaskRecord, outcome: TaskOutcome, now: number): TaskRecord {
  return outcome.status === "completed"
    ? { ...record, status: "completed", completedAt: now, resultData: outcome.resultData }
    : { ...record, status: "failed", completedAt: now, errorMessage: outcome.errorMessage };
}

const iso = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString());

/** The GetTaskStatus form of a record. */
export function toWireTask(record: TaskRecord): GetTaskStatusResponse {
  return {
    taskId: record.id,
    provider: record.provider,
    channel: record.channel,
    invokeType: record.invokeType,
    model: record.model,
    status: record.status,
    createdAt: iso(record.createdAt),
    completedAt: iso(record.completedAt),
    resultData: record.resultData ?? "",
    errorMessage: record.errorMessage ?? "",
  };
}

/** The Invoke answer that hands out a new task (docs/wire-protocol.md, "Asynchronous tasks"). */
export function createdTaskAnswer(record: TaskRecord, requestId: string, customId?: string): ModelResponseItem {
  const raw = {
    task_id: record.id,
    status: record.status,
    provider: record.provider,
    channel: record.channel,
    invoke_type: record.invokeType,
    model: record.model,
    created_at: iso(record.createdAt),
  };
  return { content: "", usage: "", rawResponse: JSON.stringify(raw), error: "", customId, requestId };
}
