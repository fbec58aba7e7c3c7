import { createModelClient, invoke } from "tamar-model-client";

// Address, TLS and JWT secret come from MODEL_MANAGER_SERVER_* variables (or .env).
await using client = createModelClient();

const response = await invoke(client, {
  provider: "openai", // invokeType "chat-completions" is inferred from `messages`
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello!" }],
  max_tokens: 1000,
  userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
});
console.log(response.content, response.tokenUsage?.totalTokens, response.finishReason);
