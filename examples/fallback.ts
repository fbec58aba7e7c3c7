import { createModelClient, FallbackExhaustedError, invoke } from "tamar-model-client";

// When OpenAI is rate-limited, overloaded or down, Anthropic answers instead.
// A circuit breaker per route skips a failing one at once, without a timeout.
await using client = createModelClient({
  fallbacks: [{ provider: "anthropic", model: "claude-sonnet-4-5", max_tokens: 1024 }],
  circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
});

try {
  const response = await invoke(
    client,
    {
      provider: "openai",
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "One sentence on HTTP/2." }],
      userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
    },
    { retry: { maxRetries: 1 } },
  );
  console.log("answered by", response.route?.provider, response.route?.model);
  for (const attempt of response.attempts ?? []) console.log("skipped", attempt.route.model, attempt.error.name);
} catch (error) {
  if (!(error instanceof FallbackExhaustedError)) throw error;
  for (const attempt of error.attempts) console.log(attempt.route.provider, attempt.error.message);
}
