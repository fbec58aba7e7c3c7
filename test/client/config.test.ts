// Settings: options win over environment variables, which win over `.env`
// (which never overrides a set variable); invalid values fail at creation.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, createModelClient, invoke, type ModelClientOptions } from "tamar-model-client";
import { userContext } from "../helpers/setup.js";
import { startTestServer } from "../helpers/test-server.js";

function envFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tamar-env-"));
  writeFileSync(join(dir, ".env"), text);
  return dir;
}

const created: { close(): Promise<void> }[] = [];
const create = (options: ModelClientOptions) => {
  const client = createModelClient(options);
  created.push(client);
  return client;
};
afterEach(async () => {
  await Promise.all(created.splice(0).map((client) => client.close()));
});

describe("configuration sources", () => {
  it("uses the documented defaults", () => {
    const { settings } = create({ address: "127.0.0.1:1", env: {}, envFile: false });
    expect(settings).toMatchObject({
      useTls: true,
      maxRetries: 3,
      retryDelayMs: 1000,
      invokeTimeoutMs: 30_000,
      streamFirstChunkTimeoutMs: 120_000,
      streamIdleTimeoutMs: 120_000,
      keepaliveTimeMs: 300_000,
      maxMessageBytes: 128 * 1024 * 1024,
    });
  });

  it("options > environment > .env, and .env never overrides a set variable", () => {
    const dir = envFile(
      [
        "MODEL_MANAGER_SERVER_ADDRESS=from-dotenv:1",
        "MODEL_MANAGER_SERVER_GRPC_MAX_RETRIES=7",
        "MODEL_MANAGER_SERVER_GRPC_RETRY_DELAY=0.25",
        "MODEL_MANAGER_SERVER_INVOKE_TIMEOUT=12",
        "MODEL_MANAGER_SERVER_GRPC_USE_TLS=false",
        "MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY=dotenv.example",
      ].join("\n"),
    );
    const env = { MODEL_MANAGER_SERVER_ADDRESS: "from-env:1", MODEL_MANAGER_SERVER_GRPC_MAX_RETRIES: "5" };
    const { settings } = create({ env, envFile: join(dir, ".env"), invokeTimeoutMs: 999 });
    expect(settings).toMatchObject({
      address: "from-env:1", // env beats .env
      maxRetries: 5, // env beats .env
      retryDelayMs: 250, // .env, seconds → ms
      invokeTimeoutMs: 999, // option beats .env
      useTls: false,
      defaultAuthority: "dotenv.example",
    });
  });

  it("reads the Python SDK's stream chunk timeout variable for both stream timeouts", () => {
    const { settings } = create({ address: "a:1", env: { MODEL_CLIENT_STREAM_CHUNK_TIMEOUT: "45" }, envFile: false });
    expect(settings).toMatchObject({ streamFirstChunkTimeoutMs: 45_000, streamIdleTimeoutMs: 45_000 });
  });

  it("reads .env from the working directory by default and leaves process.env alone", async () => {
    const server = await startTestServer();
    const dir = envFile(`MODEL_MANAGER_SERVER_ADDRESS=${server.address}\nMODEL_MANAGER_SERVER_GRPC_USE_TLS=false\n`);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const client = create({ env: {} });
      expect((await invoke(client, { provider: "openai", model: "m", input: "x", userContext })).content).toContain("echo");
      expect(process.env["MODEL_MANAGER_SERVER_ADDRESS"]).toBeUndefined();
    } finally {
      process.chdir(cwd);
      await server.close();
    }
  });

  it.each([
    [{ env: {} }, /No server address.*MODEL_MANAGER_SERVER_ADDRESS/],
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_GRPC_MAX_RETRIES: "three" } }, /environment variable MODEL_MANAGER_SERVER_GRPC_MAX_RETRIES.*"three"/],
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_GRPC_RETRY_DELAY: "-1" } }, /MODEL_MANAGER_SERVER_GRPC_RETRY_DELAY/],
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_INVOKE_TIMEOUT: "0" } }, /MODEL_MANAGER_SERVER_INVOKE_TIMEOUT/],
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_GRPC_USE_TLS: "maybe" } }, /MODEL_MANAGER_SERVER_GRPC_USE_TLS.*"maybe"/],
    [{ env: {}, address: "a:1", maxRetries: 1.5 }, /option maxRetries/],
    [{ env: {}, address: "a:1", keepaliveTimeMs: 1000 }, /option keepaliveTimeMs/],
    [{ env: {}, address: "a:1", jwtSecretKey: "s", jwtToken: "t" }, /set one/],
    [{ env: {}, address: "a:1", retryableCodes: [3] }, /INVALID_ARGUMENT are never retried/],
    [{ env: {}, address: "a:1", tls: { cert: "x" } }, /both cert and key/],
    [{ env: {}, address: "a:1", useTls: false, tls: { ca: "x" } }, /contradict/],
    [{ env: {}, address: "a:1", envFile: "/nonexistent/.env" }, /Cannot read the env file/],
  ] as [ModelClientOptions, RegExp][])("refuses invalid settings at creation: %j", (options, message) => {
    expect(() => createModelClient({ envFile: false, ...options })).toThrow(ConfigurationError);
    expect(() => createModelClient({ envFile: false, ...options })).toThrow(message);
  });
});
