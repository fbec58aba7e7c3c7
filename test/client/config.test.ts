// Settings: options win over environment variables, which win over `.env`
// (which never overrides a set variable); invalid values fail at creation.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError, createModelClient, invoke, type ModelClientOptions } from "tamar-model-client";
import { userContext } from "../helpers/setup.js";
import { startScriptedServer } from "../helpers/scripted-server.js";

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
    const server = await startScriptedServer();
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
    // Durations a timer cannot hold would make every call fail at once.
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_INVOKE_TIMEOUT: "2592000" } }, /MODEL_MANAGER_SERVER_INVOKE_TIMEOUT: expected a number from 0.001 to 2147483.647, got "2592000"/],
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_CLIENT_STREAM_CHUNK_TIMEOUT: "3000000" } }, /MODEL_CLIENT_STREAM_CHUNK_TIMEOUT/],
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_GRPC_RETRY_DELAY: "1e7" } }, /MODEL_MANAGER_SERVER_GRPC_RETRY_DELAY/],
    [{ env: {}, address: "a:1", invokeTimeoutMs: 2 ** 31 }, /option invokeTimeoutMs: expected a number from 1 to 2147483647/],
    [{ env: {}, address: "a:1", retryMaxDelayMs: 1e12 }, /option retryMaxDelayMs/],
    [{ env: {}, address: "a:1", streamIdleTimeoutMs: Infinity }, /option streamIdleTimeoutMs/],
    [{ env: {}, address: "a:1", keepaliveTimeMs: 2 ** 32 }, /option keepaliveTimeMs/],
    [{ env: {}, address: "a:1", jwtExpiresInSeconds: 10 ** 9 }, /option jwtExpiresInSeconds/],
    // Addresses are checked when the client is made, naming where they came from.
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "http://models.internal:50051" } }, /environment variable MODEL_MANAGER_SERVER_ADDRESS: a gRPC address is host:port, not a URL/],
    [{ env: {}, address: "https://models.internal" }, /option address: a gRPC address is host:port, not a URL/],
    [{ env: { MODEL_MANAGER_SERVER_ADDRESS: "models.internal" } }, /MODEL_MANAGER_SERVER_ADDRESS: the port is missing/],
    [{ env: {}, address: "models.internal:0" }, /option address: the port must be a number from 1 to 65535/],
    [{ env: {}, address: "models.internal:65536" }, /option address: the port must be a number from 1 to 65535/],
    [{ env: {}, address: "models.internal:port" }, /the port must be a number/],
    [{ env: {}, address: ":50051" }, /the host is missing/],
    [{ env: {}, address: "::1:50051" }, /IPv6 address needs brackets/],
    [{ env: {}, address: "dns:///models.internal" }, /option address: the port is missing/],
    [{ env: {}, address: "ipv4:10.0.0.1:50051,10.0.0.2:99999" }, /from 1 to 65535.*ipv4:/],
    [{ env: {}, address: "a:1 " }, /no spaces/],
    // Plain-JavaScript misuse: unknown keys name themselves.
    [{ env: {}, address: "a:1", timeoutMs: 5 }, /Unknown option "timeoutMs"/],
    [{ env: {}, address: "a:1", use_tls: false }, /Unknown option "use_tls"/],
    [{ env: {}, address: "a:1", tls: { ca: "x", servername: "y" } }, /Unknown option tls\. "servername"/],
    [{ env: {}, address: "a:1", retryableCodes: [3] }, /INVALID_ARGUMENT are never retried/],
    [{ env: {}, address: "a:1", tls: { cert: "x" } }, /both cert and key/],
    [{ env: {}, address: "a:1", useTls: false, tls: { ca: "x" } }, /contradict/],
    [{ env: {}, address: "a:1", envFile: "/nonexistent/.env" }, /Cannot read the env file/],
  ] as [ModelClientOptions, RegExp][])("refuses invalid settings at creation: %j", (options, message) => {
    expect(() => createModelClient({ envFile: false, ...options })).toThrow(ConfigurationError);
    expect(() => createModelClient({ envFile: false, ...options })).toThrow(message);
  });

  it.each([
    "127.0.0.1:50051",
    "localhost:1",
    "models.internal:65535",
    "[::1]:50051",
    "dns:///models.internal:443",
    "dns://8.8.8.8/models.internal:443",
    "dns:models.internal:443",
    "ipv4:10.0.0.1:50051,10.0.0.2:50052",
    "ipv6:[::1]:50051,[::2]:50051",
    "unix:/run/model-manager.sock",
    "unix:///run/model-manager.sock",
  ])("accepts the grpc-js target %s", (address) => {
    expect(create({ address, env: {}, envFile: false }).settings.address).toBe(address);
  });

  it("takes the same boolean words as the server for MODEL_MANAGER_SERVER_GRPC_USE_TLS", () => {
    for (const [word, useTls] of [["on", true], ["OFF", false], ["yes", true], ["no", false], ["1", true], ["0", false], ["True", true], ["false", false]] as const) {
      expect(create({ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_GRPC_USE_TLS: word }, envFile: false }).settings.useTls).toBe(useTls);
    }
  });

  it("both a JWT secret and a token (the original README shows both): the secret signs, with a warning naming both", async () => {
    const server = await startScriptedServer({ jwtSecret: "s".repeat(32) });
    try {
      const warnings: unknown[][] = [];
      const logger = { debug() {}, info() {}, error() {}, warn: (...args: unknown[]) => warnings.push(args) };
      const env = { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: "s".repeat(32), MODEL_MANAGER_SERVER_JWT_TOKEN: "not-a-valid-token" };
      const client = create({ address: server.address, useTls: false, env, envFile: false, logger });
      expect(warnings).toEqual([
        [{ event: "config.warning" }, expect.stringMatching(/MODEL_MANAGER_SERVER_JWT_SECRET_KEY.*MODEL_MANAGER_SERVER_JWT_TOKEN.*the secret signs/)],
      ]);
      // The call is signed with the secret (the fixed token would be refused).
      expect((await invoke(client, { provider: "openai", model: "m", input: "x", userContext })).content).toContain("echo");
      expect(server.calls[0]!.jwt).toMatchObject({ org_id: userContext.orgId, user_id: userContext.userId });
    } finally {
      await server.close();
    }
  });

  it("both a JWT secret and a token without a logger: a process warning", () => {
    // Stubbed so the suite's output stays quiet; the warning itself is what is checked.
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      create({ address: "a:1", env: {}, envFile: false, jwtSecretKey: "s".repeat(32), jwtToken: "t" });
      expect(emitWarning).toHaveBeenCalledExactlyOnceWith(expect.stringMatching(/option jwtSecretKey.*option jwtToken/), { code: "TAMAR_MODEL_CLIENT_CONFIG" });
    } finally {
      emitWarning.mockRestore();
    }
  });
});
