// The telemetry a call carries, as the call functions and middlewares see it:
// no OpenTelemetry type appears here, so the client's public declarations
// never need @opentelemetry/api.
import type { ClientError, Metadata } from "nice-grpc-common";
import type { ModelRequestItem } from "../../../gen/model_service/model_service.js";
import type { BatchRequest } from "../../../schemas/batch-request.js";
import type { AsyncInvokeRequest, InvokeRequest } from "../../../schemas/invoke-request.js";
import type { ModelResponse, ModelRoute } from "../../response/model-response.js";

/**
 * A retry of the same request, or a fallback to another route, after an
 * attempt failed (the telemetry numbers the attempts of the whole call).
 */
export type AttemptEvent =
  | {
      readonly kind: "retry";
      readonly error: unknown;
      /** Backoff before the next attempt. */
      readonly delayMs: number;
    }
  | {
      readonly kind: "fallback";
      /** Why the failed route was left (its breaker's refusal included). */
      readonly error: unknown;
      /** The route that failed. */
      readonly from: ModelRoute;
      /** The route the next attempt goes to. */
      readonly to: ModelRoute;
    };

/** Call options a call's telemetry writes into. */
export interface TelemetryCallOptions {
  /** The chain path's: the trace context goes into the metadata, where the chain's middlewares see it. */
  metadata?: Metadata;
  /** The chain path's: its retry middlewares report each retry here. */
  onRetryableError?: ((error: ClientError, attempt: number, delayMs: number) => void) | undefined;
  /** The fused path's: the trace context's headers, which each attempt sends after the call's metadata. */
  traceHeaders?: TraceHeaders | undefined;
  /** The call's telemetry, for the layers that record into it (fallback attempts; retries on the fused path). */
  callTelemetry?: CallTelemetry | undefined;
}

/** Header name → value, as the registered propagator wrote them. */
export type TraceHeaders = Readonly<Record<string, string>>;

/** The telemetry of one call (one Invoke or BatchInvoke RPC). */
export interface CallTelemetry {
  /**
   * Puts the trace context into the call's options and hooks its retries:
   * on the chain path (`fused` false) into `metadata` and `onRetryableError`;
   * on the client's fused invoke layer into `traceHeaders`, the layer
   * reporting retries to `callTelemetry` itself (no nice-grpc metadata, no
   * closure per call).
   */
  attach(options: TelemetryCallOptions, requestId: string, fused: boolean): void;
  /** Records a retry or fallback attempt. */
  attempt(event: AttemptEvent): void;
  /** A stream chunk arrived. */
  chunk(response: ModelResponse): void;
  /** The call succeeded: its answer (`invoke`), or its answers (`invokeBatch`); streams pass nothing. */
  end(answer?: ModelResponse | readonly ModelResponse[]): void;
  /** The call failed. */
  fail(error: unknown): void;
}

/** The telemetry of the call whose options these are, if it has any. */
export function callTelemetryOf(options: object): CallTelemetry | undefined {
  return (options as TelemetryCallOptions).callTelemetry;
}

/** The trace context headers of a call on the fused path, if its telemetry set any. */
export function traceHeadersOf(options: object): TraceHeaders | undefined {
  return (options as TelemetryCallOptions).traceHeaders;
}

/** A client's telemetry; `undefined` from each start when nothing records. */
export interface ClientTelemetry {
  invoke(request: InvokeRequest | AsyncInvokeRequest, item: ModelRequestItem, stream: boolean): CallTelemetry | undefined;
  batch(request: BatchRequest, items: readonly ModelRequestItem[]): CallTelemetry | undefined;
}
