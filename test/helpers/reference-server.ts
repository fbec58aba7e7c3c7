import { afterEach } from "vitest";
import { startModelServer, type ModelServerOptions, type RunningModelServer } from "tamar-model-client/server";
import { modelClient } from "./grpc-client.js";
import { SECRET } from "./tokens.js";

const running: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((stop) => stop()));
});

/**
 * Starts a server on loopback for one test (stopped after it) with hermetic
 * defaults: the test secret, an empty environment, no chunk delay. Returns it
 * with a raw client.
 */
export async function startReferenceServer(options: ModelServerOptions = {}) {
  const server: RunningModelServer = await startModelServer({
    host: "127.0.0.1",
    port: 0,
    jwtSecretKey: SECRET,
    offlineChunkDelayMs: 0,
    env: {},
    ...options,
  });
  const { client, channel } = modelClient(server.address);
  running.push(async () => {
    channel.close();
    await server.close({ graceMs: 0 });
  });
  return { server, client, channel };
}
