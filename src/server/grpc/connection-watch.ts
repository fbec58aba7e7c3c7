/**
 * Tells a call that ended because its connection went away (a reset, a dead
 * proxy, a crashed client host) from one the caller cancelled: the first is
 * not the caller's decision, and its retry is probably on the way.
 *
 * nice-grpc hands a handler no transport, so a grpc-js server interceptor
 * (which sees the HTTP/2 stream of each call) tags the call's metadata with a
 * server-made id, and the middleware looks the stream up by it.
 */
import { type Metadata, ServerInterceptingCall, type ServerInterceptor } from "@grpc/grpc-js";
import type { ServerMiddleware } from "nice-grpc";
import type { ServerHttp2Stream } from "node:http2";

/** What the middleware adds to a call context. */
export interface ConnectionWatch {
  /**
   * True once the call's connection is gone (closed or destroyed), as after a
   * transport loss; false while it is alive, as after an explicit cancel
   * (RST_STREAM) or a deadline.
   */
  lostConnection(): boolean;
}

// Set by the interceptor on every call, whatever the caller sent under this name.
const TAG = "x-tamar-model-server-call";

export function watchConnections(): { interceptor: ServerInterceptor; middleware: ServerMiddleware<ConnectionWatch> } {
  const watched = new Map<string, () => boolean>();
  let tagged = 0;

  const tag = (stream: ServerHttp2Stream | undefined) => (metadata: Metadata, next: (metadata: Metadata) => void) => {
    metadata.remove(TAG);
    const session = stream?.session;
    if (stream && session && !stream.closed) {
      const id = String(++tagged);
      // Decided when the stream closes: an RST_STREAM from the caller closes
      // it on a live session (even when the caller closes the connection right
      // after); a lost connection destroys the session first.
      let lost: boolean | undefined;
      stream.once("close", () => {
        lost = session.destroyed;
        watched.delete(id);
      });
      watched.set(id, () => lost ?? (session.destroyed || session.closed));
      metadata.set(TAG, id);
    }
    next(metadata);
  };

  const interceptor: ServerInterceptor = (_method, call) => {
    // grpc-js's base call keeps its HTTP/2 stream in `stream` (not public API: without it every end counts as a cancel).
    const candidate = (call as unknown as { stream?: unknown }).stream;
    const stream = typeof candidate === "object" && candidate !== null && "session" in candidate ? (candidate as ServerHttp2Stream) : undefined;
    return new ServerInterceptingCall(call, { start: (next) => next({ onReceiveMetadata: tag(stream) }) });
  };

  const middleware: ServerMiddleware<ConnectionWatch> = async function* connectionWatchMiddleware(call, context) {
    const id = context.metadata.get(TAG);
    context.metadata.delete(TAG);
    const lostConnection = (id === undefined ? undefined : watched.get(id)) ?? (() => false);
    return yield* call.next(call.request, { ...context, lostConnection });
  };

  return { interceptor, middleware };
}
