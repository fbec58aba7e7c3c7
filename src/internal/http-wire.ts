/**
 * The Model Manager's HTTP API in JSON, as the Python SDK's HTTP fallback
 * speaks it, and the gRPC messages it stands for. One module for both ends:
 * the client writes requests and reads answers with it, the server the other
 * way round.
 *
 * - `POST /v1/invoke`: the request's fields in snake_case at the top level —
 *   the routing fields `provider`, `channel`, `invoke_type`, `stream`,
 *   `user_context: {org_id, user_id, client_type}`, and every provider
 *   parameter (`model`, `messages`, `contents`, `config`, …) beside them,
 *   which become the gRPC `extra`. A top-level `null` is an absent field (the
 *   Python SDK sends `messages: null` for a Google request).
 * - `POST /v1/batch-invoke`: `{user_context, items: [<invoke body> + custom_id, priority]}`,
 *   answered `{request_id, results: [...]}`.
 * - An answer: `{content, usage, raw_response, error, request_id, custom_id}`
 *   with `usage` and `raw_response` parsed (the gRPC strings hold JSON) and
 *   `error` null when none.
 * - A stream: Server-Sent Events, one `data: <answer>` per message, then
 *   `data: [DONE]`; a failure after the first message is an `event: error`
 *   whose data is an error body, and no `[DONE]`.
 * - An error: the HTTP status for its gRPC status, body
 *   `{error: {code: <http status>, status: "<gRPC status name>", message}, request_id}`.
 */
import * as v from "valibot";
import type { ModelRequest, ModelRequestItem, ModelResponseItem } from "../gen/model_service/model_service.js";

export const HTTP_INVOKE_PATH = "/v1/invoke";
export const HTTP_BATCH_INVOKE_PATH = "/v1/batch-invoke";
export const HTTP_HEALTH_PATH = "/health";
/** The data of the SSE event that ends a complete stream. */
export const SSE_DONE = "[DONE]";
/** The SSE event type of a failure after the stream began. */
export const SSE_ERROR_EVENT = "error";

const UserContextSchema = v.object({
  org_id: v.optional(v.string(), ""),
  user_id: v.optional(v.string(), ""),
  client_type: v.optional(v.string(), ""),
});

const RoutingSchema = {
  provider: v.string(),
  channel: v.optional(v.string(), ""),
  invoke_type: v.optional(v.string(), ""),
  stream: v.optional(v.boolean(), false),
};

const InvokeBodySchema = v.looseObject({ ...RoutingSchema, user_context: v.optional(UserContextSchema, {}) });

const BatchItemSchema = v.looseObject({
  ...RoutingSchema,
  custom_id: v.optional(v.string()),
  priority: v.optional(v.pipe(v.number(), v.integer(), v.minValue(-(2 ** 31)), v.maxValue(2 ** 31 - 1))),
  user_context: v.optional(v.never("the batch's user_context applies to every item: set it once, next to items")),
});

const BatchBodySchema = v.object({
  user_context: v.optional(UserContextSchema, {}),
  items: v.array(v.pipe(v.unknown(), v.transform(withoutNulls), BatchItemSchema)),
});

/** The JSON body of `POST /v1/invoke`. */
export type HttpInvokeBody = v.InferInput<typeof InvokeBodySchema>;
/** The JSON body of `POST /v1/batch-invoke`. */
export type HttpBatchBody = v.InferInput<typeof BatchBodySchema>;

/** A problem with a request body: where, and what. */
export interface HttpBodyIssue {
  readonly path: string;
  readonly message: string;
}

const ROUTING_KEYS = new Set(["provider", "channel", "invoke_type", "stream", "user_context", "custom_id", "priority"]);

function withoutNulls(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

function extraOf(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !ROUTING_KEYS.has(key)));
}

type Parsed<T> = { readonly value: T; readonly issues?: undefined } | { readonly value?: undefined; readonly issues: HttpBodyIssue[] };

function issuesOf(issues: readonly v.BaseIssue<unknown>[]): HttpBodyIssue[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? "", message: issue.message }));
}

function userFields(context: v.InferOutput<typeof UserContextSchema>) {
  return { orgId: context.org_id, userId: context.user_id, clientType: context.client_type };
}

/** The gRPC request a `/v1/invoke` body stands for, or the problems of the body. */
export function invokeItemOfBody(body: unknown): Parsed<ModelRequestItem> {
  const result = v.safeParse(InvokeBodySchema, withoutNulls(body));
  if (!result.success) return { issues: issuesOf(result.issues) };
  const { provider, channel, invoke_type, stream, user_context } = result.output;
  return { value: { provider, channel, invokeType: invoke_type, stream, ...userFields(user_context), extra: extraOf(result.output) } };
}

/** The gRPC request a `/v1/batch-invoke` body stands for, or the problems of the body. */
export function batchRequestOfBody(body: unknown): Parsed<ModelRequest> {
  const result = v.safeParse(BatchBodySchema, withoutNulls(body));
  if (!result.success) return { issues: issuesOf(result.issues) };
  const tenant = userFields(result.output.user_context);
  const items = result.output.items.map(
    (item): ModelRequestItem => ({
      provider: item.provider,
      channel: item.channel,
      invokeType: item.invoke_type,
      stream: item.stream,
      ...tenant,
      priority: item.priority,
      customId: item.custom_id,
      extra: extraOf(item),
    }),
  );
  return { value: { items } };
}

/** The `/v1/invoke` body of a gRPC request (its `extra` beside the routing fields). */
export function invokeBodyOf(item: ModelRequestItem): HttpInvokeBody {
  const routing = {
    provider: item.provider,
    channel: item.channel,
    invoke_type: item.invokeType,
    stream: item.stream,
    user_context: { org_id: item.orgId, user_id: item.userId, client_type: item.clientType },
  };
  return { ...item.extra, ...routing };
}

/** The JSON of one answer. */
export interface HttpAnswer {
  readonly content: string;
  readonly usage: unknown;
  readonly raw_response: unknown;
  readonly error: string | null;
  readonly request_id: string | null;
  readonly custom_id?: string;
}

const parsedOrNull = (text: string): unknown => (text === "" ? null : JSON.parse(text));

/** The JSON of a gRPC answer. */
export function answerJsonOf(item: ModelResponseItem): HttpAnswer {
  return {
    content: item.content,
    usage: parsedOrNull(item.usage),
    raw_response: parsedOrNull(item.rawResponse),
    error: item.error === "" ? null : item.error,
    request_id: item.requestId ?? null,
    ...(item.customId === undefined ? {} : { custom_id: item.customId }),
  };
}

const AnswerSchema = v.object({
  content: v.nullish(v.string(), ""),
  usage: v.nullish(v.unknown()),
  raw_response: v.nullish(v.unknown()),
  error: v.nullish(v.union([v.string(), v.record(v.string(), v.unknown())])),
  request_id: v.nullish(v.string()),
  custom_id: v.nullish(v.string()),
});

const jsonText = (value: unknown): string => (value === null || value === undefined ? "" : JSON.stringify(value));

/** The gRPC answer of an answer's JSON, or a description of what is wrong with it. */
export function answerItemOfJson(json: unknown): { readonly value: ModelResponseItem } | { readonly problem: string } {
  const result = v.safeParse(AnswerSchema, json);
  if (!result.success) return { problem: issuesOf(result.issues).map((issue) => `${issue.path || "answer"}: ${issue.message}`).join("; ") };
  const { content, usage, raw_response, error, request_id, custom_id } = result.output;
  return {
    value: {
      content,
      usage: jsonText(usage),
      rawResponse: jsonText(raw_response),
      error: error === null || error === undefined ? "" : typeof error === "string" ? error : JSON.stringify(error),
      ...(request_id == null ? {} : { requestId: request_id }),
      ...(custom_id == null ? {} : { customId: custom_id }),
    },
  };
}

/** The body of an HTTP error. */
export interface HttpErrorBody {
  readonly error: { readonly code: number; readonly status: string; readonly message: string };
  readonly request_id?: string;
}
