import {
  createModelClient,
  invoke,
  ProviderError,
  RateLimitError,
  TamarModelError,
  ValidationError,
} from "tamar-model-client";

await using client = createModelClient();
const userContext = { orgId: "org-1", userId: "user-1", clientType: "docs" };

try {
  // `temperature` belongs inside `config` for Google: rejected before anything is sent.
  await invoke(client, { provider: "google", model: "gemini-2.5-flash", contents: "hi", temperature: 0.2, userContext } as never);
} catch (error) {
  if (error instanceof ValidationError) console.log(error.issues); // [{ path: "temperature", message: "… config.temperature …" }]
}

try {
  await invoke(client, { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext });
} catch (error) {
  if (error instanceof ProviderError) console.log("provider said:", error.providerMessage, error.requestId);
  else if (error instanceof RateLimitError) console.log("slow down; retryable:", error.retryable);
  else if (error instanceof TamarModelError) console.log(error.name, error.code, error.requestId, error.message);
  else throw error;
}
