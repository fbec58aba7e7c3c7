import { createModelClient, invoke } from "tamar-model-client";

await using client = createModelClient();

// A pair this SDK has no schema for: provider, invoke type and params as the
// Model Manager names them. Only wire safety is checked (no functions, NaN,
// cycles…); the params go into `extra` exactly as given.
const response = await invoke(client, {
  unchecked: {
    provider: "kling-ai",
    invokeType: "image-generation",
    params: { model_name: "kling-v2", prompt: "a red kite", n: 1 },
  },
  userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
});
console.log(response.content);
