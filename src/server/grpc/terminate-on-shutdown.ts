import type { ServerMiddleware } from "nice-grpc";
import { isAbortError } from "../../internal/abort-error.js";

/** What the middleware adds: the hook the health service's Watch calls. */
export interface Terminatable {
  /** Opts the call in: shutdown ends it cleanly (status OK) instead of waiting for it. */
  abortOnTerminate(): void;
}

/**
 * Endless calls (the health Watch stream) would hold a graceful shutdown
 * until its grace period runs out; this ends the calls that opt in as soon
 * as `shutdown` aborts, with status OK.
 */
export function terminateOnShutdown(shutdown: AbortSignal): ServerMiddleware<Terminatable> {
  return async function* terminateOnShutdownMiddleware(call, context) {
    const controller = new AbortController();
    let optedIn = false;
    let terminated = false;
    const terminate = () => {
      if (!optedIn || terminated) return;
      terminated = true;
      controller.abort();
    };
    const cancel = () => controller.abort();
    context.signal.addEventListener("abort", cancel);
    shutdown.addEventListener("abort", terminate);
    try {
      return yield* call.next(call.request, {
        ...context,
        signal: controller.signal,
        abortOnTerminate() {
          optedIn = true;
          if (shutdown.aborted) terminate();
        },
      });
    } catch (error) {
      if (terminated && isAbortError(error)) return;
      throw error;
    } finally {
      context.signal.removeEventListener("abort", cancel);
      shutdown.removeEventListener("abort", terminate);
    }
  };
}
