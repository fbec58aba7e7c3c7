/**
 * The standard gRPC health service (grpc.health.v1.Health), from the
 * project's own generated code: a client-only install carries no health
 * library (and its rxjs and second protobufjs).
 */
import { ServerError, Status } from "nice-grpc";
import {
  type HealthCheckRequest,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthServiceImplementation,
} from "../../gen/grpc/health/v1/health.js";
import { abortErrorOf } from "./abort.js";
import type { Terminatable } from "./terminate-on-shutdown.js";

/** The serving status of each service the server reports (`""` = the server as a whole). */
export interface HealthBoard {
  /** Sets the status of `service`; Watch streams of it see the change. */
  set(service: string, serving: boolean): void;
  /** The health service reading this board. */
  readonly service: HealthServiceImplementation<Terminatable>;
}

/** A health board with `services` serving. */
export function createHealthBoard(services: readonly string[]): HealthBoard {
  const statuses = new Map<string, ServingStatus>(services.map((service) => [service, ServingStatus.SERVING]));
  const waiters = new Set<() => void>();
  const statusOf = ({ service }: HealthCheckRequest) => statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;

  // Resolves at the next change; rejects with an AbortError once `signal` aborts.
  function nextChange(signal: AbortSignal): Promise<void> {
    const changed = new Promise<void>((resolve, reject) => {
      const done = () => {
        waiters.delete(done);
        signal.removeEventListener("abort", aborted);
        resolve();
      };
      const aborted = () => {
        waiters.delete(done);
        reject(abortErrorOf(signal));
      };
      if (signal.aborted) return aborted();
      waiters.add(done);
      signal.addEventListener("abort", aborted, { once: true });
    });
    // Awaited only after the next message is written: not an unhandled rejection meanwhile.
    changed.catch(() => {});
    return changed;
  }

  return {
    set(service, serving) {
      statuses.set(service, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
      for (const waiter of [...waiters]) waiter();
    },
    service: {
      async check(request) {
        const status = statusOf(request);
        if (status === ServingStatus.SERVICE_UNKNOWN) throw new ServerError(Status.NOT_FOUND, `unknown service ${JSON.stringify(request.service)}`);
        return { status };
      },
      async *watch(request, context) {
        // A shutdown ends the stream with OK rather than waiting for it.
        context.abortOnTerminate();
        let last: ServingStatus | undefined;
        while (true) {
          const changed = nextChange(context.signal);
          const status = statusOf(request);
          if (status !== last) {
            last = status;
            yield { status };
          }
          await changed;
        }
      },
    },
  };
}
