// The retry policy of a call: the client's settings, optionally overridden
// per call. Overrides are checked like any input before the call starts.
import type { RetryOptions } from "nice-grpc-client-middleware-retry";
import { Status } from "nice-grpc-common";
import * as v from "valibot";
import { ValidationError } from "./errors.js";
import type { RetryAfterOptions } from "./middleware/stream-retry.js";

/** Codes that are never retried: the same request would fail the same way. */
export const NEVER_RETRIED: ReadonlySet<Status> = new Set([Status.INVALID_ARGUMENT, Status.UNAUTHENTICATED, Status.PERMISSION_DENIED]);

const retryableCode = v.pipe(
  v.number(),
  v.check((code) => Number.isInteger(code) && code > Status.OK && code <= Status.UNAUTHENTICATED, "must be a gRPC status code (1-16)"),
  v.check((code) => !NEVER_RETRIED.has(code), (issue) => `${Status[issue.input as number]} is never retried`),
);
const milliseconds = v.pipe(v.number(), v.finite(), v.minValue(0));

/** Schema of {@link RetryPolicy}. */
export const RetryPolicySchema = v.strictObject({
  /** Retries after the first attempt (0 = none). */
  maxRetries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
  /** gRPC codes retried; never INVALID_ARGUMENT, UNAUTHENTICATED or PERMISSION_DENIED. */
  retryableCodes: v.optional(v.array(retryableCode)),
  /** Base backoff, ms (doubles each retry, with jitter). */
  delayMs: v.optional(milliseconds),
  /** Longest backoff, ms. */
  maxDelayMs: v.optional(milliseconds),
  /** Longest server back-off hint (`retry-after-ms`) waited for, ms; a longer hint fails the call at once. */
  maxRetryAfterMs: v.optional(milliseconds),
});

/** Per-call override of the client's retry policy; unset fields keep the client's values. */
export type RetryPolicy = v.InferInput<typeof RetryPolicySchema>;

/** The retry fields of the call options of the client's middleware chain. */
export type RetryCallOptions = RetryOptions & RetryAfterOptions;

/** The call options of a retry policy. */
export function retryCallOptions(policy: { [K in keyof RetryPolicy]-?: Exclude<RetryPolicy[K], undefined> }): RetryCallOptions {
  return {
    retry: policy.maxRetries > 0,
    retryMaxAttempts: policy.maxRetries,
    retryBaseDelayMs: policy.delayMs,
    retryMaxDelayMs: policy.maxDelayMs,
    retryableStatuses: policy.retryableCodes,
    maxRetryAfterMs: policy.maxRetryAfterMs,
  };
}

/**
 * Checks a per-call override (a ValidationError naming `options.retry.<field>`
 * when it is bad) and returns the call options it changes.
 */
export function retryOverride(override: unknown): RetryCallOptions {
  const result = v.safeParse(RetryPolicySchema, override);
  if (!result.success) {
    throw new ValidationError(
      result.issues.map((issue) => {
        const path = v.getDotPath(issue);
        return { path: path ? `options.retry.${path}` : "options.retry", message: issue.message };
      }),
    );
  }
  const policy = result.output;
  const options: RetryCallOptions = {};
  if (policy.maxRetries !== undefined) {
    options.retry = policy.maxRetries > 0;
    options.retryMaxAttempts = policy.maxRetries;
  }
  if (policy.delayMs !== undefined) options.retryBaseDelayMs = policy.delayMs;
  if (policy.maxDelayMs !== undefined) options.retryMaxDelayMs = policy.maxDelayMs;
  if (policy.retryableCodes !== undefined) options.retryableStatuses = policy.retryableCodes;
  if (policy.maxRetryAfterMs !== undefined) options.maxRetryAfterMs = policy.maxRetryAfterMs;
  return options;
}
