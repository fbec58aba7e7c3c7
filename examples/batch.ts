import { createModelClient, invokeBatch } from "tamar-model-client";

await using client = createModelClient();

const batch = await invokeBatch(client, {
  userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
  items: [
    { customId: "summary", priority: 1, provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "Summarise gRPC." }] },
    { customId: "haiku", provider: "anthropic", model: "claude-sonnet-4-5", max_tokens: 200, messages: [{ role: "user", content: "A haiku, please." }] },
  ],
});
for (const answer of batch.responses) {
  console.log(answer.customId, answer.error ? `failed: ${answer.error}` : answer.content);
}
console.log(batch.byCustomId.get("haiku")?.content);
