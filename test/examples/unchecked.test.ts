// The README's unchecked-form example, run against a real server configured
// by environment variables as users configure the client.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { ModelRequestItem } from "../../src/gen/model_service/model_service.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/scripted-server.js";

let server: ScriptedServer;
const saved = { ...process.env };
beforeAll(async () => {
  server = await startScriptedServer({ jwtSecret: "readme-secret" });
  Object.assign(process.env, {
    MODEL_MANAGER_SERVER_ADDRESS: server.address,
    MODEL_MANAGER_SERVER_GRPC_USE_TLS: "false",
    MODEL_MANAGER_SERVER_JWT_SECRET_KEY: "readme-secret",
  });
});
afterAll(async () => {
  process.env = saved;
  await server.close();
});

it("examples/unchecked.ts sends the named pair with its params as extra", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await import("../../examples/unchecked.js");
    expect(log.mock.calls).toEqual([["echo kling-ai image-generation model"]]);
  } finally {
    log.mockRestore();
  }
  expect(server.calls[0]!.request as ModelRequestItem).toMatchObject({
    provider: "kling-ai",
    invokeType: "image-generation",
    channel: "normal",
    extra: { model_name: "kling-v2", prompt: "a red kite", n: 1 },
  });
});
