// Typed errors. Every error the client raises is a TamarModelError carrying
// the gRPC status code (when one applies), the request id of the call and
// whether the same call may succeed if tried again.
import { ClientError, Status } from "nice-grpc-common";
import { boundedText } from "../internal/bounded-text.js";
import type { ValidationIssue } from "../schemas/validate-request.js";
import { type ProviderErrorKind, providerErrorKind } from "./provider-error-kind.js";
import type { ModelResponse, ModelRoute } from "./response/model-response.js";

/** What every {@link TamarModelError} can carry besides its message. */
export interface TamarModelErrorDetails {
  /** gRPC status of the failed call; undefined for errors raised locally without one. */
  code?: Status | undefined;
  /** The call's request id (`x-request-id`), when the call got that far. */
  requestId?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/** Base class of every error raised by tamar-model-client. */
export class TamarModelError extends Error {
  override name = "TamarModelError";
  /** gRPC status code of the failure, if any. */
  readonly code: Status | undefined;
  /** Request id of the call (`x-request-id`), if it was assigned. */
  readonly requestId: string | undefined;

  constructor(message: string, details: TamarModelErrorDetails = {}) {
    super(details.requestId === undefined ? message : `${message} (request id ${details.requestId})`, {
      cause: details.cause,
    });
    this.code = details.code;
    this.requestId = details.requestId;
  }

  /** True when the same call may succeed if made again later. */
  get retryable(): boolean {
    return false;
  }
}

export type { ValidationIssue };

const MAX_LISTED_ISSUES = 20;
const MAX_ISSUE_CHARS = 1024;

/**
 * The request is invalid. Raised before any network I/O; `issues` names
 * every offending field.
 */
export class ValidationError extends TamarModelError {
  override name = "ValidationError";
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[], details: TamarModelErrorDetails = {}) {
    // The message stays readable whatever the input: each issue and the list are bounded (`issues` has them all).
    const list = issues
      .slice(0, MAX_LISTED_ISSUES)
      .map((issue) => boundedText(issue.path ? `${issue.path}: ${issue.message}` : issue.message, MAX_ISSUE_CHARS));
    if (issues.length > MAX_LISTED_ISSUES) list.push(`… and ${issues.length - MAX_LISTED_ISSUES} more (see issues)`);
    super(`Invalid request: ${list.join("; ")}`, { code: Status.INVALID_ARGUMENT, ...details });
    this.issues = issues;
  }
}

/** A client option or environment variable is invalid. Raised by `createModelClient`. */
export class ConfigurationError extends TamarModelError {
  override name = "ConfigurationError";
}

/** The client was closed before or while the call ran. */
export class ClientClosedError extends TamarModelError {
  override name = "ClientClosedError";
}

/** The server is unreachable or overloaded (UNAVAILABLE). */
export class UnavailableError extends TamarModelError {
  override name = "UnavailableError";
  override get retryable(): boolean {
    return true;
  }
}

/** Rate limit or quota hit (RESOURCE_EXHAUSTED, other than a message too large). */
export class RateLimitError extends TamarModelError {
  override name = "RateLimitError";
  override get retryable(): boolean {
    return true;
  }
}

/**
 * A request or answer exceeded a gRPC message size limit, on either side
 * (RESOURCE_EXHAUSTED "Received message larger than max …"). The same call
 * fails the same way again, so it is never retried; the message names the
 * size and the limit when the peer reported them.
 */
export class MessageTooLargeError extends TamarModelError {
  override name = "MessageTooLargeError";
  /** The message's size in bytes, when reported. */
  readonly sizeBytes: number | undefined;
  /** The limit it exceeded in bytes, when reported. */
  readonly limitBytes: number | undefined;
  constructor(message: string, details: TamarModelErrorDetails & { sizeBytes?: number; limitBytes?: number } = {}) {
    super(message, details);
    this.sizeBytes = details.sizeBytes;
    this.limitBytes = details.limitBytes;
  }
}

// grpc-js's and gRPC core's wordings of a size limit hit (sent or received, compressed or not).
const SIZE_LIMIT = /message (?:larger than max \((\d+) vs\.? (\d+)\)|with a size larger than (\d+)|that decompresses to a size larger than (\d+))/i;

/** The MessageTooLargeError of a RESOURCE_EXHAUSTED status whose details say a size limit was hit; undefined for any other. */
export function messageTooLarge(code: Status, details: string, requestId: string | undefined, cause: unknown): MessageTooLargeError | undefined {
  if (code !== Status.RESOURCE_EXHAUSTED) return undefined;
  const match = SIZE_LIMIT.exec(details);
  if (!match) return undefined;
  const sizeBytes = match[1] === undefined ? undefined : Number(match[1]);
  const limitBytes = Number(match[2] ?? match[3] ?? match[4]);
  const size = sizeBytes === undefined ? "a message" : `a message of ${sizeBytes} bytes`;
  return new MessageTooLargeError(
    `RESOURCE_EXHAUSTED: ${size} exceeds the gRPC limit of ${limitBytes} bytes (${boundedText(details)}); raise the client's maxMessageBytes or the server's max message size, or send less`,
    { code, requestId, cause, limitBytes, ...(sizeBytes === undefined ? {} : { sizeBytes }) },
  );
}

/** The call's deadline, or a stream's first-chunk / idle timeout, passed. */
export class DeadlineExceededError extends TamarModelError {
  override name = "DeadlineExceededError";
}

/** `waitForTask` gave up: the task was still processing when `timeoutMs` passed. */
export class TaskTimeoutError extends DeadlineExceededError {
  override name = "TaskTimeoutError";
  /** The task waited for. */
  readonly taskId: string;
  constructor(taskId: string, timeoutMs: number) {
    super(`Task ${taskId} was still processing after ${timeoutMs} ms`);
    this.taskId = taskId;
  }
}

/** The call was cancelled: by the caller's `signal`, or by the server (CANCELLED). */
export class CancelledError extends TamarModelError {
  override name = "CancelledError";
}

/** Missing or invalid credentials (UNAUTHENTICATED). */
export class AuthenticationError extends TamarModelError {
  override name = "AuthenticationError";
}

/** The credentials do not allow this call, e.g. JWT tenant ≠ request tenant (PERMISSION_DENIED). */
export class PermissionDeniedError extends TamarModelError {
  override name = "PermissionDeniedError";
}

/** The server rejected the request (INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION). */
export class InvalidArgumentError extends TamarModelError {
  override name = "InvalidArgumentError";
}

/** The server does not know the requested thing or method (NOT_FOUND, UNIMPLEMENTED). */
export class NotFoundError extends TamarModelError {
  override name = "NotFoundError";
}

/** The server failed (INTERNAL, UNKNOWN, DATA_LOSS) or broke the protocol. */
export class InternalError extends TamarModelError {
  override name = "InternalError";
}

/**
 * The answer is not complete: the provider's stream or body ended without its
 * terminal event (the server reports DATA_LOSS), or a stream ended with
 * status OK but without a finish reason (see the client's
 * `requireFinishReason`). The text received is not the whole answer.
 */
export class IncompleteAnswerError extends InternalError {
  override name = "IncompleteAnswerError";
}

/** The call was refused as a conflict (ALREADY_EXISTS, ABORTED). */
export class ConflictError extends TamarModelError {
  override name = "ConflictError";
}

/**
 * The provider behind the Model Manager reported an error in-band (the call
 * itself succeeded). `providerMessage` is the server's text.
 */
export class ProviderError extends TamarModelError {
  override name = "ProviderError";
  /** The provider's error text. */
  readonly providerMessage: string;
  /** The answer that carried the error (its `rawResponse` may hold details). */
  readonly response: ModelResponse | undefined;
  /** What kind of failure it is, read from the text (decides whether a fallback is tried). */
  readonly kind: ProviderErrorKind;
  constructor(providerMessage: string, details: TamarModelErrorDetails & { response?: ModelResponse } = {}) {
    super(`Provider error: ${boundedText(providerMessage)}`, details);
    this.providerMessage = providerMessage;
    this.response = details.response;
    this.kind = providerErrorKind(providerMessage);
  }
  /** Rate limits, overload, 5xx, timeouts and connection failures may pass. */
  override get retryable(): boolean {
    return this.kind !== "other" && this.kind !== "context_length";
  }
}

/** How a route's circuit breaker sees it. */
export type CircuitState = "closed" | "open" | "half-open";

/**
 * The route's circuit breaker is open: recent calls on it failed, so this one
 * was not sent (it cost no timeout). `probeAt` is when the breaker lets one
 * call through again.
 */
export class CircuitOpenError extends TamarModelError {
  override name = "CircuitOpenError";
  /** The route whose breaker is open. */
  readonly route: ModelRoute;
  /** When the breaker lets a probe call through. */
  readonly probeAt: Date;
  constructor(route: ModelRoute, probeAt: Date, details: TamarModelErrorDetails = {}) {
    super(
      `Circuit open for ${describeRoute(route)}: recent calls failed; next probe at ${probeAt.toISOString()}`,
      { code: Status.UNAVAILABLE, ...details },
    );
    this.route = route;
    this.probeAt = probeAt;
  }
  override get retryable(): boolean {
    return true;
  }
}

/** One failed attempt on one route of a call with fallbacks. */
export interface FailedAttempt {
  /** The route that was tried. */
  readonly route: ModelRoute;
  /** Why it failed (after its retries). */
  readonly error: TamarModelError;
}

/** Every route of a call (the request and each of its fallbacks) failed; `attempts` says how, in order. */
export class FallbackExhaustedError extends TamarModelError {
  override name = "FallbackExhaustedError";
  readonly attempts: readonly FailedAttempt[];
  constructor(attempts: readonly FailedAttempt[], details: TamarModelErrorDetails = {}) {
    const list = attempts.map((attempt) => `${describeRoute(attempt.route)}: ${attempt.error.message}`);
    super(`Every route failed (${attempts.length}): ${list.join("; ")}`, { code: attempts.at(-1)?.error.code, ...details });
    this.attempts = attempts;
  }
  override get retryable(): boolean {
    return this.attempts.some((attempt) => attempt.error.retryable);
  }
}

/** `provider/model via channel @ address`, for messages. */
export function describeRoute(route: ModelRoute): string {
  const channel = route.channel && route.channel !== "normal" ? ` via ${route.channel}` : "";
  return `${route.provider}/${route.model ?? "(default model)"}${channel} @ ${route.address}`;
}

/**
 * A stream failed after chunks had been delivered. It is not retried (that
 * would repeat text already delivered); `chunksReceived` says how far it got,
 * `cause` holds the typed error that ended it (an IncompleteAnswerError when
 * the provider's answer itself was cut short).
 */
export class StreamInterruptedError extends TamarModelError {
  override name = "StreamInterruptedError";
  readonly chunksReceived: number;
  /** Always true: the chunks delivered are not the whole answer. */
  readonly incomplete: true;
  constructor(cause: TamarModelError, chunksReceived: number) {
    super(`Stream interrupted after ${chunksReceived} chunk(s): ${cause.message}`, {
      code: cause.code,
      cause,
    });
    this.chunksReceived = chunksReceived;
    this.incomplete = true;
    // The cause's message already names the request id.
    Object.defineProperty(this, "requestId", { value: cause.requestId });
  }
  override get retryable(): boolean {
    return (this.cause as TamarModelError).retryable;
  }
}

type ErrorClass = new (message: string, details: TamarModelErrorDetails) => TamarModelError;

// Every gRPC status code (index = code) to the class that represents it.
const classByCode: readonly ErrorClass[] = [
  InternalError, // OK: a failure reported with OK is a protocol error
  CancelledError,
  InternalError, // UNKNOWN
  InvalidArgumentError,
  DeadlineExceededError,
  NotFoundError,
  ConflictError, // ALREADY_EXISTS
  PermissionDeniedError,
  RateLimitError, // RESOURCE_EXHAUSTED
  InvalidArgumentError, // FAILED_PRECONDITION
  ConflictError, // ABORTED
  InvalidArgumentError, // OUT_OF_RANGE
  NotFoundError, // UNIMPLEMENTED
  InternalError,
  UnavailableError,
  IncompleteAnswerError, // DATA_LOSS
  AuthenticationError,
];

/** The typed error for a gRPC status code. */
export function errorFromStatus(code: Status, details: string, requestId?: string, cause?: unknown): TamarModelError {
  const tooLarge = messageTooLarge(code, details, requestId, cause);
  if (tooLarge) return tooLarge;
  const ErrorClass = classByCode[code] ?? InternalError;
  return new ErrorClass(`${Status[code] ?? `status ${code}`}: ${boundedText(details) || "no details"}`, { code, requestId, cause });
}

/** Turns whatever a call threw into a {@link TamarModelError}. */
export function toTamarModelError(error: unknown, requestId?: string): TamarModelError {
  if (error instanceof TamarModelError) return error;
  if (error instanceof ClientError) return errorFromStatus(error.code, error.details, requestId, error);
  return new TamarModelError(`Call failed: ${error instanceof Error ? error.message : String(error)}`, {
    requestId,
    cause: error,
  });
}
