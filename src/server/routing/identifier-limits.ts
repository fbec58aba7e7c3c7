/**
 * Identifiers are short: a request whose provider, channel, invoke type,
 * model, tenant, client type, custom id or task id is longer than
 * {@link MAX_IDENTIFIER_CHARS} is refused before any work, so no such value
 * can grow a status, a log line or a store key.
 */
import type { ModelRequestItem } from "../../gen/model_service/model_service.js";
import { MAX_IDENTIFIER_CHARS } from "../../internal/bounded-text.js";
import { invalidArgument } from "../grpc/status-errors.js";

// Request fields and their wire names.
const ITEM_FIELDS = [
  ["provider", "provider"],
  ["channel", "channel"],
  ["invokeType", "invoke_type"],
  ["orgId", "org_id"],
  ["userId", "user_id"],
  ["clientType", "client_type"],
  ["customId", "custom_id"],
] as const satisfies ReadonlyArray<readonly [keyof ModelRequestItem, string]>;

function tooLong(field: string, value: string) {
  return invalidArgument(`${field}: at most ${MAX_IDENTIFIER_CHARS} characters, got ${value.length}`);
}

/** Checks the identifiers of one request item; `prefix` names a batch item (`"items.3."`). */
export function checkIdentifiers(item: ModelRequestItem, prefix = ""): void {
  for (const [key, wire] of ITEM_FIELDS) {
    const value = item[key];
    if (typeof value === "string" && value.length > MAX_IDENTIFIER_CHARS) throw tooLong(prefix + wire, value);
  }
  const model = item.extra?.["model"];
  if (typeof model === "string" && model.length > MAX_IDENTIFIER_CHARS) throw tooLong(`${prefix}model`, model);
}

/** Checks task ids (`field` is `task_id` or `task_ids.<index>`). */
export function checkTaskId(taskId: string, field: string): void {
  if (taskId === "") throw invalidArgument(`${field} is required`);
  if (taskId.length > MAX_IDENTIFIER_CHARS) throw tooLong(field, taskId);
}
