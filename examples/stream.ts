import { createModelClient, invokeStream } from "tamar-model-client";

await using client = createModelClient();

const chunks = invokeStream(client, {
  provider: "google",
  model: "gemini-2.5-flash",
  contents: "Write a haiku about gRPC.",
  config: { temperature: 0.7, maxOutputTokens: 200 },
  userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
});
let text = "";
for await (const chunk of chunks) {
  text += chunk.content ?? "";
  // The last chunk carries the stream's usage, finish reason and tool calls.
  if (chunk.finishReason) console.log(chunk.finishReason, chunk.tokenUsage);
}
console.log(text);
