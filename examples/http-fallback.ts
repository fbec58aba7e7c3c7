import { createModelClient, invoke } from "tamar-model-client";

// The Model Manager's HTTP API as the last route (the Python SDK's
// http_fallback_url): for when the gRPC server is unreachable or HTTP/2 is
// blocked on the way. The reference server serves it with --http-port.
const httpApi = process.env["MODEL_MANAGER_HTTP_URL"] ?? "http://127.0.0.1:8080";
await using client = createModelClient({ fallbacks: [{ http: httpApi }] });

const response = await invoke(
  client,
  {
    provider: "openai",
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "One sentence on SSE." }],
    userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
  },
  { retry: { maxRetries: 1 } },
);
console.log("answered over", response.route?.transport, "after", response.attempts?.map((attempt) => attempt.error.name).join(", "));
