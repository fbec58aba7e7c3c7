import { createModelClient, invoke } from "tamar-model-client";

// MODEL_MANAGER_SERVER_ADDRESS lists the replicas (10.0.0.1:50051,10.0.0.2:50051),
// or names them all: dns:///model-manager.ns.svc.cluster.local:50051 (a headless service).
await using client = createModelClient();
console.log("policy", client.settings.loadBalancing);

const userContext = { orgId: "org-1", userId: "user-1", clientType: "docs" };
for (let i = 0; i < 6; i++) {
  const answer = await invoke(client, { provider: "openai", model: "gpt-4o-mini", input: `request ${i}`, userContext });
  console.log(answer.content);
}
