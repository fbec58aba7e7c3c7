import type { CallOptions, ClientMiddlewareCall } from "nice-grpc-common";
import { createModelClient, invoke, type Logger } from "tamar-model-client";

// Any pino-shaped logger; events carry request id, provider, model, duration
// and usage, never prompt text or credentials.
const logger: Logger = {
  debug: () => {},
  info: (fields, message) => console.log(message, fields["request_id"], fields["duration_ms"]),
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

// A nice-grpc client middleware of your own: runs once per attempt.
async function* tagTenant<Req, Res>(call: ClientMiddlewareCall<Req, Res>, options: CallOptions) {
  options.metadata?.set("x-team", "search");
  return yield* call.next(call.request, options);
}

await using client = createModelClient({ logger, middlewares: [tagTenant] });
await invoke(client, {
  provider: "openai",
  model: "gpt-4.1-mini",
  input: "One sentence on HTTP/2.",
  userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
});
