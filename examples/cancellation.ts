import {
  CancelledError,
  createModelClient,
  DeadlineExceededError,
  type InvokeRequest,
  invoke,
  invokeStream,
} from "tamar-model-client";

await using client = createModelClient();
const request: InvokeRequest = {
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  max_tokens: 2000,
  messages: [{ role: "user", content: "Tell me a long story." }],
  userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
};

// A deadline the server sees too (grpc-timeout), so it can stop upstream work.
await invoke(client, request, { timeoutMs: 10_000 }).catch((error: unknown) => {
  if (!(error instanceof DeadlineExceededError)) throw error;
});

// Abort: the call is cancelled on the server and throws a CancelledError.
const controller = new AbortController();
try {
  for await (const chunk of invokeStream(client, request, { signal: controller.signal })) {
    console.log(chunk.content);
    controller.abort(); // or simply `break`
  }
} catch (error) {
  if (!(error instanceof CancelledError)) throw error;
  console.log("cancelled", error.requestId);
}
