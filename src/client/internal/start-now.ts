// A middleware that only sets up the call (options, metadata) has no work per
// message. Written as an async generator it would still be one more generator
// layer every message of every call passes through (a cost per message per
// layer, see bench/findings.md); returning the next layer's generator itself costs nothing per
// message. nice-grpc only needs a middleware to return an async generator.

/** What a client middleware returns. */
type MiddlewareResult<Response> = AsyncGenerator<Response, Response | void, undefined>;

async function* rethrow(error: unknown): AsyncGenerator<never, never, undefined> {
  throw error;
}

/**
 * Runs a middleware's set-up now and returns the generator `start` hands back
 * (normally `call.next(…)`), without a generator layer of its own. An error
 * thrown during set-up surfaces on the first `next()`, as it would from a
 * generator middleware, not from the call that starts the RPC.
 */
export function startNow<Response>(start: () => MiddlewareResult<Response>): MiddlewareResult<Response> {
  try {
    return start();
  } catch (error) {
    return rethrow(error);
  }
}
