// The settings that decide whether a connection can work at all: the name the
// server's certificate is checked against (MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY,
// as grpcio's grpc.default_authority) and TLS versus plaintext
// (MODEL_MANAGER_SERVER_GRPC_USE_TLS). A wrong one is a ConfigurationError
// naming the setting, raised on the first attempt, never retried. Certificates
// are made at run time by openssl; the reference server listens on 127.0.0.1.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  ConfigurationError,
  createModelClient,
  invoke,
  invokeStream,
  type Logger,
  type ModelClientOptions,
  UnavailableError,
} from "tamar-model-client";
import { type RunningModelServer, startModelServer } from "tamar-model-client/server";
import { SERVICE_NAME, testPki } from "../helpers/pki.js";
import { userContext } from "../helpers/setup.js";
import { SECRET } from "../helpers/tokens.js";

const pki = testPki();
const request = { provider: "openai", model: "gpt-4o-mini", input: "hello", userContext } as const;

let tlsServer: RunningModelServer;
let plainServer: RunningModelServer;
beforeAll(async () => {
  const common = { host: "127.0.0.1", port: 0, jwtSecretKey: SECRET, offline: true, offlineChunkDelayMs: 0, env: {} } as const;
  tlsServer = await startModelServer({ ...common, tls: { cert: pki.serviceCert, key: pki.serviceKey } });
  plainServer = await startModelServer(common);
});
afterAll(async () => {
  await tlsServer.close({ graceMs: 500 });
  await plainServer.close({ graceMs: 500 });
});

/** A client with default retries whose logger counts the retries it makes. */
function client(env: Record<string, string>, options: ModelClientOptions = {}) {
  const retries: unknown[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (fields) => retries.push(fields) };
  const made = createModelClient({ env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET, ...env }, envFile: false, retryDelayMs: 50, logger, ...options });
  onTestFinished(() => made.close());
  return { client: made, retries };
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe("the certificate name: MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY", () => {
  it("address by IP, certificate for models.internal, authority set → connects (unary and stream)", async () => {
    const { client: authorised } = client(
      { MODEL_MANAGER_SERVER_ADDRESS: tlsServer.address, MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY: SERVICE_NAME },
      { tls: { ca: pki.ca } },
    );
    expect(tlsServer.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await invoke(authorised, request)).content).toContain("digest:");
    let chunks = 0;
    for await (const _ of invokeStream(authorised, { ...request, max_output_tokens: 3 })) chunks++;
    expect(chunks).toBe(4);
  });

  it("an authority with a port (models.internal:443) checks the host part", async () => {
    const { client: authorised } = client(
      { MODEL_MANAGER_SERVER_ADDRESS: tlsServer.address },
      { tls: { ca: pki.ca }, defaultAuthority: `${SERVICE_NAME}:443` },
    );
    expect((await invoke(authorised, request)).content).toContain("digest:");
  });

  it("authority not set → a ConfigurationError naming the setting, on the first attempt", async () => {
    const { client: unnamed, retries } = client({ MODEL_MANAGER_SERVER_ADDRESS: tlsServer.address }, { tls: { ca: pki.ca } });
    for (const call of [invoke(unnamed, request), invokeStream(unnamed, request).next()]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).retryable).toBe(false);
      expect((error as Error).message).toMatch(/not valid for the name checked.*127\.0\.0\.1.*set MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY/);
    }
    expect(retries).toEqual([]);
  });

  it("an authority the certificate does not hold → a ConfigurationError saying which value is wrong", async () => {
    const { client: misnamed, retries } = client(
      { MODEL_MANAGER_SERVER_ADDRESS: tlsServer.address, MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY: "other.internal" },
      { tls: { ca: pki.ca } },
    );
    const error = await failure(invoke(misnamed, request));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY \(option defaultAuthority\) is "other\.internal"/);
    expect(retries).toEqual([]);
  });
});

describe("TLS or plaintext: MODEL_MANAGER_SERVER_GRPC_USE_TLS", () => {
  it("TLS (the default) against a plaintext server → ConfigurationError: set MODEL_MANAGER_SERVER_GRPC_USE_TLS=false; not retried", async () => {
    const { client: tls, retries } = client({ MODEL_MANAGER_SERVER_ADDRESS: plainServer.address });
    for (const call of [invoke(tls, request), invokeStream(tls, request).next()]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/does not speak TLS.*set MODEL_MANAGER_SERVER_GRPC_USE_TLS=false/);
    }
    expect(retries).toEqual([]);
  });

  it("plaintext against a TLS server → ConfigurationError: set MODEL_MANAGER_SERVER_GRPC_USE_TLS=true; not retried", async () => {
    const { client: plain, retries } = client({ MODEL_MANAGER_SERVER_ADDRESS: tlsServer.address, MODEL_MANAGER_SERVER_GRPC_USE_TLS: "false" });
    for (const call of [invoke(plain, request), invokeStream(plain, request).next()]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/speaks TLS and the client is in plaintext: set MODEL_MANAGER_SERVER_GRPC_USE_TLS=true/);
    }
    expect(retries).toEqual([]);
  });

  it("a plaintext peer that closes connections without TLS stays an UnavailableError, retried", async () => {
    // Accepts and closes every connection at once, as a server going down does.
    const closer = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => closer.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => closer.close(() => resolve())));
    const port = (closer.address() as { port: number }).port;
    const { client: plain, retries } = client({ MODEL_MANAGER_SERVER_ADDRESS: `127.0.0.1:${port}`, MODEL_MANAGER_SERVER_GRPC_USE_TLS: "false" }, { maxRetries: 1 });
    const error = await failure(invoke(plain, request));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(retries).toHaveLength(1);
  });
});
