// What every call function does around its RPC: refuse a closed client, fix
// the request id, link the caller's signal and the client's close() to the
// call, and turn whatever the call throws into a typed error.
import { MAX_METADATA_BYTES } from "../../internal/bounded-text.js";
import { randomUUID } from "node:crypto";
import { Metadata, Status } from "nice-grpc-common";
import type { UserContext } from "../../schemas/user-context.js";
import { CancelledError, ClientClosedError, type TamarModelError, toTamarModelError, ValidationError } from "../errors.js";
import { extend } from "./extend.js";
import { checkFallbackOn, type FallbackPatch } from "../fallback.js";
import type { ProviderErrorKind } from "../provider-error-kind.js";
import { type RetryPolicy, retryOverride } from "../retry-policy.js";
import { CallCancellation, linkCancellation } from "./call-cancellation.js";
import { clientStateOf } from "./client-state.js";
import type { ModelCallOptions } from "../model-call-options.js";
import type { ModelClient } from "../model-client.js";
import type { CallTelemetry } from "./telemetry/call-telemetry.js";

// A header block over the server's limit fails as a bare RST_STREAM: refuse it here, naming the key.
function checkedMetadata(metadata: Metadata): Metadata {
  let bytes = 0;
  let largest = { key: "", bytes: 0 };
  for (const [key, values] of metadata) {
    const size = values.reduce((sum: number, value) => sum + key.length + (typeof value === "string" ? Buffer.byteLength(value) : value.byteLength), 0);
    bytes += size;
    if (size > largest.bytes) largest = { key, bytes: size };
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new ValidationError([
      {
        path: `options.metadata.${largest.key}`,
        message: `the call's metadata is ${bytes} bytes (${largest.key}: ${largest.bytes}); at most ${MAX_METADATA_BYTES} are sent, as gRPC servers refuse larger header blocks`,
      },
    ]);
  }
  return metadata;
}

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call (on the server too) when aborted; the call then throws a CancelledError. */
  signal?: AbortSignal;
  /**
   * Deadline of the whole call, ms; the server sees it (`grpc-timeout`).
   * Default: the client's `invokeTimeoutMs` for `invoke` and `invokeBatch`;
   * none for streams, which are bounded by the first-chunk and idle timeouts.
   */
  timeoutMs?: number;
  /** The call's `x-request-id`; a random UUID by default. */
  requestId?: string;
  /** Extra gRPC metadata to send. */
  metadata?: Metadata | Record<string, string>;
  /** This call's changes to the client's retry policy (checked: a ValidationError names `options.retry.<field>`). */
  retry?: RetryPolicy;
  /**
   * `invoke` and `invokeStream`: the routes tried in order when the request
   * fails in a way another route may not (see the client option
   * `fallbacks`); replaces the client's list, `[]` for none.
   */
  fallbacks?: readonly FallbackPatch[];
  /** The provider error kinds that move this call on to its next route; default the client's `fallbackOn`. */
  fallbackOn?: readonly ProviderErrorKind[];
}

// Every key of CallOptions: a misspelt one (`timeout`, `deadline`) is an error, not ignored.
const CALL_OPTION_KEYS = {
  signal: true,
  timeoutMs: true,
  requestId: true,
  metadata: true,
  retry: true,
  fallbacks: true,
  fallbackOn: true,
} as const satisfies Record<keyof CallOptions, true>;

const callOptionHints: Readonly<Record<string, string>> = {
  timeout: "use timeoutMs (milliseconds)",
  deadline: "use timeoutMs (milliseconds)",
  request_id: "use requestId",
  abortSignal: "use signal",
  retries: "use retry: { maxRetries }",
  maxRetries: "use retry: { maxRetries }",
  fallback: "use fallbacks (a list of request patches)",
};

function checkCallOptions(options: CallOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError([{ path: "options", message: "call options must be an object" }]);
  }
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(CALL_OPTION_KEYS, key));
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((key) => ({
        path: `options.${key}`,
        message: `unknown call option${Object.hasOwn(callOptionHints, key) ? `: ${callOptionHints[key]}` : ""} (known: ${Object.keys(CALL_OPTION_KEYS).join(", ")})`,
      })),
    );
  }
}

/** A call in progress. */
export interface ActiveCall {
  readonly requestId: string;
  /**
   * The call's options. `signal` is set unless the call runs on the client's
   * fused invoke layer (`fused`), which cancels through `callCancellation`.
   */
  readonly options: ModelCallOptions & { signal?: AbortSignal; metadata?: Metadata; callCancellation: CallCancellation };
  /** The typed error for whatever the call threw. */
  fail(error: unknown): TamarModelError;
  /** Must be called when the call is over. */
  end(): void;
}

/**
 * Runs one unary-shaped call (`run` gets the call's options and request id):
 * typed errors out, bookkeeping ended whatever happens.
 */
export async function withCall<T>(
  client: ModelClient,
  options: CallOptions,
  userContext: Pick<UserContext, "orgId" | "userId"> | undefined,
  run: (call: ActiveCall) => Promise<T>,
  telemetry?: CallTelemetry,
  fused = false,
): Promise<T> {
  const call = startCall(client, options, false, userContext, telemetry, fused);
  try {
    return await run(call);
  } catch (error) {
    throw call.fail(error);
  } finally {
    call.end();
  }
}

/** Starts the bookkeeping of one call on `client`. Throws before any I/O if the client is closed. */
export function startCall(
  client: ModelClient,
  options: CallOptions,
  stream: boolean,
  userContext?: Pick<UserContext, "orgId" | "userId">,
  telemetry?: CallTelemetry,
  fused = false,
): ActiveCall {
  const state = clientStateOf(client);
  checkCallOptions(options);
  const { timeoutMs } = options;
  if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0 && timeoutMs < 2 ** 31)) {
    throw new ValidationError([{ path: "options.timeoutMs", message: "must be a positive number of milliseconds" }]);
  }
  const retry = options.retry === undefined ? undefined : retryOverride(options.retry);
  const fallbackOn = options.fallbackOn === undefined ? undefined : checkFallbackOn(options.fallbackOn, "options.fallbackOn");
  const metadata = options.metadata ? checkedMetadata(Metadata(options.metadata)) : undefined;
  const requestId = options.requestId ?? randomUUID();
  if (state.closed) throw new ClientClosedError("The client is closed", { code: Status.CANCELLED, requestId });
  const cancellation = new CallCancellation();
  const unlink = linkCancellation(options.signal, cancellation);
  state.inFlight.add(cancellation);
  const base = stream ? state.streamOptions : state.unaryOptions;
  const callOptions: ActiveCall["options"] = fused
    ? (extend(base, { requestId, callCancellation: cancellation }) as ActiveCall["options"])
    : extend(base, {
        signal: cancellation.signal,
        requestId,
        // The deadline and stream-timeout middlewares abort this one rather than link one more.
        callAbortController: cancellation.controller,
        callCancellation: cancellation,
      });
  const deadline = stream ? timeoutMs : (timeoutMs ?? state.invokeTimeoutMs);
  if (deadline !== undefined) callOptions.deadline = deadline;
  if (metadata) callOptions.metadata = metadata;
  if (retry) Object.assign(callOptions, retry);
  if (fallbackOn) callOptions.fallbackOn = fallbackOn;
  if (userContext) callOptions.userContext = userContext;
  telemetry?.attach(callOptions, requestId, fused);
  return new Call(requestId, callOptions, cancellation, options.signal, unlink, state.inFlight);
}

// A class, not closures per call: with thousands of streams open, each holds its call.
class Call implements ActiveCall {
  readonly requestId: string;
  readonly options: ActiveCall["options"];
  readonly #cancellation: CallCancellation;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #unlink: () => void;
  readonly #inFlight: Set<CallCancellation>;

  constructor(
    requestId: string,
    options: ActiveCall["options"],
    cancellation: CallCancellation,
    callerSignal: AbortSignal | undefined,
    unlink: () => void,
    inFlight: Set<CallCancellation>,
  ) {
    this.requestId = requestId;
    this.options = options;
    this.#cancellation = cancellation;
    this.#callerSignal = callerSignal;
    this.#unlink = unlink;
    this.#inFlight = inFlight;
  }

  fail(error: unknown): TamarModelError {
    const requestId = this.requestId;
    const cancellation = this.#cancellation;
    if (cancellation.aborted && cancellation.reason instanceof ClientClosedError) {
      return new ClientClosedError("The client was closed during the call", { code: Status.CANCELLED, requestId, cause: error });
    }
    const callerSignal = this.#callerSignal;
    if (callerSignal?.aborted) {
      return new CancelledError("The call was cancelled by the caller", {
        code: Status.CANCELLED,
        requestId,
        cause: callerSignal.reason,
      });
    }
    return toTamarModelError(error, requestId);
  }

  end(): void {
    this.#unlink();
    this.#inFlight.delete(this.#cancellation);
  }
}
