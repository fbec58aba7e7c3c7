import { onTestFinished } from "vitest";
import { createModelClient, type ModelClient, type ModelClientOptions } from "tamar-model-client";
import { startScriptedServer, type ScriptedServer, type ScriptedServerOptions } from "./scripted-server.js";

export { aborted } from "./deferred.js";

export { userContext } from "./user-context.js";

/** A test server and a plaintext client pointed at it (no env, no .env), both closed after the test. */
export async function setup(
  options: { server?: ScriptedServerOptions; client?: ModelClientOptions } = {},
): Promise<{ server: ScriptedServer; client: ModelClient }> {
  const server = await startScriptedServer(options.server);
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
