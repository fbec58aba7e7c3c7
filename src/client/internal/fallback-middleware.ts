import { type CallOptions, type ClientMiddleware, type ClientMiddlewareCall, ClientError, Status } from "nice-grpc-common";
import type { RetryOptions } from "nice-grpc-client-middleware-retry";
import type { ModelRequestItem, ModelResponseItem } from "../../gen/model_service/model_service.js";
import {
  CircuitOpenError,
  type FailedAttempt,
  FallbackExhaustedError,
  ProviderError,
  type TamarModelError,
  toTamarModelError,
} from "../errors.js";
import { extend } from "./extend.js";
import { DEFAULT_FALLBACK_ON, type FallbackRoute } from "../fallback.js";
import type { Authorization, JwtCallOptions } from "../middleware/jwt.js";
import { invokeOverHttp } from "./http-route.js";
import type { CircuitBreakers, Outcome } from "./circuit-breakers.js";
import { carriesContent } from "./commit-point.js";
import { routeOf } from "./route.js";
import type { ProviderErrorKind } from "../provider-error-kind.js";
import type { ModelRoute } from "../response/model-response.js";
import { toModelResponse } from "../response/model-response.js";
import { isAbortError } from "../../internal/abort-error.js";
import type { DeadlineOptions } from "../middleware/deadline.js";
import type { RequestIdOptions } from "../middleware/request-id.js";
import { startNow } from "./start-now.js";
import { callTelemetryOf, traceHeadersOf } from "./telemetry/call-telemetry.js";

/** Where a call went, filled in by the fallback middleware as the call runs. */
export interface RouteReport {
  /** The route that answered (set at its first content, or when its answer ends). */
  route?: ModelRoute;
  /** How each earlier route failed. */
  readonly attempts: FailedAttempt[];
}

/** Call options read by the fallback middleware. */
export interface FallbackCallOptions {
  /** The wire requests of the fallback routes, in order, and where each goes (built and validated by the call function). */
  fallbackItems?: readonly FallbackRoute[];
  /** Provider error kinds that move the call on to the next route. */
  fallbackOn?: readonly ProviderErrorKind[];
  /** Receives the route that answered and the failed attempts. */
  routeReport?: RouteReport;
}

/** One attempt on one route, as the `onAttempt` hook sees it (after that route's retries). */
export interface AttemptEvent {
  /** The request id the attempt carried (a fallback route has its own). */
  readonly requestId: string | undefined;
  readonly route: ModelRoute;
  /** `success`: the route answered; `failure`: it failed; `circuit-open`: its breaker refused it. */
  readonly outcome: "success" | "failure" | "circuit-open";
  readonly error?: TamarModelError;
  /** True when a next route is tried after this one. */
  readonly fallingBack: boolean;
}

/** What the fallback middleware of a client is made with. */
export interface FallbackMiddlewareSettings {
  /** The client's server address (part of each route). */
  readonly address: string;
  /** The client's circuit breakers, if it has them. */
  readonly breakers: CircuitBreakers | undefined;
  /** Called after each attempt on a route. */
  readonly onAttempt: ((event: AttemptEvent) => void) | undefined;
  /** The `authorization` of a request, for routes sent over HTTP (the gRPC ones get theirs per attempt, further in). */
  readonly authorization: (request: unknown, options: CallOptions & JwtCallOptions) => Authorization;
  /** Largest answer read from an HTTP route, bytes (the client's `maxMessageBytes`). */
  readonly maxMessageBytes: number;
}

const INVOKE_PATH = "/model_service.ModelService/Invoke";
const ADMITTED = { admitted: true, probe: false } as const;
const DEFAULT_RETRYABLE = [Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED];

/** The request id of route `index`: a fallback is a request of its own, so the server's dedup never answers it with the first route's answer. */
const routeRequestId = (base: string | undefined, index: number) =>
  base === undefined || index === 0 ? base : `${base}.fallback-${index}`;

type Options = CallOptions & FallbackCallOptions & RetryOptions & RequestIdOptions & DeadlineOptions & JwtCallOptions;

/**
 * Tries the call's routes in order — the request, then each fallback — and
 * asks each route's circuit breaker first. A route is left for the next one
 * when it fails with a retryable status after its retries (the retry
 * middlewares sit inside this one), with an in-band provider error of a kind
 * in `fallbackOn`, or when its breaker is open; never for any other status
 * (validation, authentication, permission), nor the caller's abort or the
 * call's deadline, which cancel every route. A stream moves on only before
 * its first content; frames before it are held back and dropped with the
 * failed route, so the caller never gets parts of two answers. When every
 * route failed the call fails with a FallbackExhaustedError (one route: with
 * its own error, as without fallbacks).
 */
export function createFallbackMiddleware(settings: FallbackMiddlewareSettings): ClientMiddleware<FallbackCallOptions> {
  return (call, options) =>
    startNow(() => {
      const { fallbackItems, fallbackOn, routeReport, ...rest } = options;
      if (call.method.path !== INVOKE_PATH || (settings.breakers === undefined && !fallbackItems?.length)) {
        return call.next(call.request, rest);
      }
      return withFallback(settings, call as unknown as ClientMiddlewareCall<ModelRequestItem, ModelResponseItem>, options) as AsyncGenerator<never>;
    });
}

/** The fallback middleware's work on a call it applies to; `call.next` runs one route. */
export async function* withFallback(
  { address, breakers, onAttempt, authorization, maxMessageBytes }: FallbackMiddlewareSettings,
  call: ClientMiddlewareCall<ModelRequestItem, ModelResponseItem>,
  options: Options,
): AsyncGenerator<ModelResponseItem, void, undefined> {
  const { fallbackItems = [], fallbackOn = DEFAULT_FALLBACK_ON, routeReport, ...rest } = options;
  const retryable = rest.retryableStatuses ?? DEFAULT_RETRYABLE;
  const routes: readonly FallbackRoute[] = [{ item: call.request as ModelRequestItem }, ...fallbackItems];
  const routeAt = (index: number): ModelRoute => {
    const { item, http } = routes[index]!;
    return http === undefined ? routeOf(item, index, address) : routeOf(item, index, http, "http");
  };
  const attempts: FailedAttempt[] = routeReport?.attempts ?? [];
  const telemetry = callTelemetryOf(options);
  const report = (route: ModelRoute, outcome: AttemptEvent["outcome"], requestId: string | undefined, error?: TamarModelError, fallingBack = false) => {
    onAttempt?.({ requestId, route, outcome, ...(error ? { error } : {}), fallingBack });
    if (fallingBack && telemetry) {
      telemetry.attempt({ kind: "fallback", error, from: route, to: routeAt(route.index + 1) });
    }
  };

  for (const [index, { item, http }] of routes.entries()) {
    const route = routeAt(index);
    const requestId = routeRequestId(rest.requestId, index);
    const hasNext = index < routes.length - 1;
    const admission = breakers?.admit(route) ?? ADMITTED;
    if (!admission.admitted) {
      const error = new CircuitOpenError(route, admission.probeAt, { requestId });
      report(route, "circuit-open", requestId, error, hasNext);
      attempts.push({ route, error });
      continue;
    }
    let settled = false;
    // Content proves the route works; a consumer that stops reading proves nothing.
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      breakers?.record(route, outcome, admission.probe);
    };
    try {
      let committed = false;
      let inBand: ModelResponseItem | undefined;
      const held: ModelResponseItem[] = [];
      try {
        // An HTTP route is one attempt, sent from here: the retries and per-attempt headers further in are gRPC's.
        const messages =
          http === undefined
            ? call.next(item, requestId === rest.requestId ? rest : extend(rest, { requestId }))
            : invokeOverHttp(item, { url: http, requestId, signal: rest.signal, metadata: rest.metadata, traceHeaders: traceHeadersOf(rest), authorization: authorization(item, rest), maxMessageBytes });
        for await (const message of messages) {
          if (committed) {
            yield message;
          } else if (inBand === undefined && message.error === "" && carriesContent(message)) {
            committed = true;
            settle("success");
            if (routeReport) routeReport.route = route;
            yield* held.splice(0);
            yield message;
          } else {
            if (inBand === undefined && message.error !== "") inBand = message;
            held.push(message);
          }
        }
      } catch (error) {
        // The call's deadline cancels the attempt from outside: a route that used it all up failed.
        const timedOut = isAbortError(error) && rest.deadline instanceof Date && Date.now() >= rest.deadline.getTime();
        const transient =
          timedOut || (error instanceof ClientError && (retryable.includes(error.code) || error.code === Status.DEADLINE_EXCEEDED));
        settle(transient ? "failure" : "neutral");
        const typed = toTamarModelError(error, requestId);
        const moveOn = !committed && !isAbortError(error) && error instanceof ClientError && retryable.includes(error.code);
        report(route, "failure", requestId, typed, moveOn && hasNext);
        if (!moveOn) throw error;
        attempts.push({ route, error: typed });
        continue;
      }
      if (inBand === undefined || committed) {
        settle("success");
        report(route, "success", requestId);
        if (routeReport) routeReport.route = route;
        yield* held;
        return;
      }
      const error = new ProviderError(inBand.error, { requestId, response: toModelResponse(inBand, requestId) });
      settle(error.kind === "other" ? "neutral" : "failure");
      const moveOn = fallbackOn.includes(error.kind);
      report(route, "failure", requestId, error, moveOn && hasNext);
      if (!moveOn || (attempts.length === 0 && !hasNext)) {
        // Surfaces as without fallbacks: the call function raises its ProviderError.
        if (routeReport) routeReport.route = route;
        yield* held;
        return;
      }
      attempts.push({ route, error });
    } finally {
      settle("neutral");
    }
  }
  if (attempts.length === 1) throw attempts[0]!.error;
  throw new FallbackExhaustedError(attempts, { requestId: rest.requestId });
}
