import type { CallOptions, ClientMiddlewareCall } from "nice-grpc-common";

/**
 * A middleware call to Invoke whose next() records the options it got and
 * answers "answer" once; `inner` holds the generators next() returned, so a
 * test can tell whether a middleware handed one back as is.
 */
export function recordingInvokeCall({ request = {}, responseStream = true }: { request?: unknown; responseStream?: boolean } = {}) {
  const seen: CallOptions[] = [];
  const inner: AsyncGenerator<string, void, undefined>[] = [];
  const call = {
    method: { path: "/model_service.ModelService/Invoke", requestStream: false, responseStream, options: {} },
    requestStream: false,
    responseStream,
    request,
    next(_request: unknown, options: CallOptions) {
      seen.push(options);
      const generator = (async function* () {
        yield "answer";
      })();
      inner.push(generator);
      return generator;
    },
  } as unknown as ClientMiddlewareCall<unknown, string>;
  return { call, seen, inner };
}
