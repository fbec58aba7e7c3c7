import { onTestFinished } from "vitest";
import { createModelClient, type ModelClient, type ModelClientOptions } from "tamar-model-client";
import { startTestServer, type TestServer, type TestServerOptions } from "./test-server.js";

export { aborted } from "./deferred.js";

export const userContext = { orgId: "org-1", userId: "user-1", clientType: "test" };

/** A test server and a plaintext client pointed at it (no env, no .env), both closed after the test. */
export async function setup(
  options: { server?: TestServerOptions; client?: ModelClientOptions } = {},
): Promise<{ server: TestServer; client: ModelClient }> {
  const server = await startTestServer(options.server);
  const client = createModelClient({
    address: server.address,
    useTls: false,
    env: {},
    envFile: false,
    retryDelayMs: 1,
    ...options.client,
  });
  onTestFinished(async () => {
    await client.close();
    await server.close();
  });
  return { server, client };
}
