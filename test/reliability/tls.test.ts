// TLS and mutual TLS between the SDK and the reference server (in process
// and the CLI), with a CA and certificates openssl makes at run time (none is
// committed; a missing openssl fails the suite, it is not skipped). Wrong
// names, untrusted CAs and wrong protocols fail with typed errors whose
// messages say what went wrong.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  ConfigurationError,
  createModelClient,
  invoke,
  invokeStream,
  type ModelClientOptions,
  UnavailableError,
} from "tamar-model-client";
import { startModelServer } from "tamar-model-client/server";
import { runCli } from "../helpers/cli-process.js";
import { testPki } from "../helpers/pki.js";
import { SECRET } from "../helpers/tokens.js";
import { drain, report } from "./helpers/report.js";
import { chatRequest, startLoggedServer } from "./helpers/stack.js";

const pki = testPki();
const SERVER_NAME = "model-manager.test"; // in the server certificate's subjectAltName
const serverTls = { cert: pki.serverCert, key: pki.serverKey };
const clientCertificate = { cert: pki.clientCert, key: pki.clientKey };

/** A client of `address` (closed after the test); one quick retry, so failures show typed and fast. */
function clientOf(address: string, options: ModelClientOptions) {
  const client = createModelClient({ address, jwtSecretKey: SECRET, env: {}, envFile: false, maxRetries: 1, retryDelayMs: 10, ...options });
  onTestFinished(() => client.close());
  return client;
}

/** The error `invoke` fails with. */
const failure = (client: ReturnType<typeof clientOf>) => invoke(client, chatRequest("tls")).then(() => undefined, (error: unknown) => error);

const messages: Record<string, string> = {};

describe("TLS", () => {
  it("with the test CA: invoke and stream work over TLS", async () => {
    const { server } = await startLoggedServer({ tls: serverTls });
    const client = clientOf(server.address, { tls: { ca: pki.ca, serverName: SERVER_NAME } });
    expect((await invoke(client, chatRequest("over tls"))).content).toContain("digest:");
    const { chunks, error } = await drain(invokeStream(client, chatRequest("over tls", 5)));
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(6);
  });

  it("a server name the certificate does not hold → ConfigurationError naming the mismatch and the setting", async () => {
    const { server } = await startLoggedServer({ tls: serverTls });
    const error = await failure(clientOf(server.address, { tls: { ca: pki.ca, serverName: "wrong.test" } }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/does not match certificate's altnames: Host: wrong\.test.*option tls\.serverName is "wrong\.test"/);
    messages["wrong server name"] = (error as Error).message;
  });

  it("a server certificate from a CA the client does not trust → UnavailableError saying so", async () => {
    const { server } = await startLoggedServer({ tls: serverTls });
    const error = await failure(clientOf(server.address, { tls: { ca: pki.untrusted.ca, serverName: SERVER_NAME } }));
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/unable to verify the first certificate|self-signed certificate in certificate chain/);
    messages["untrusted CA"] = (error as Error).message;
  });

  it("a plaintext client of a TLS server → ConfigurationError naming MODEL_MANAGER_SERVER_GRPC_USE_TLS", async () => {
    const { server } = await startLoggedServer({ tls: serverTls });
    const error = await failure(clientOf(server.address, { useTls: false }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/speaks TLS.*MODEL_MANAGER_SERVER_GRPC_USE_TLS=true/);
    expect(((error as Error).cause as Error).message).toMatch(/No connection established/);
  });

  it("a TLS client of a plaintext server → ConfigurationError; and the server still shuts down (it used to wait forever)", async () => {
    const server = await startModelServer({ host: "127.0.0.1", port: 0, jwtSecretKey: SECRET, offline: true, env: {} });
    const client = clientOf(server.address, { tls: { ca: pki.ca, serverName: SERVER_NAME }, maxRetries: 0 });
    const error = await failure(client);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/does not speak TLS.*MODEL_MANAGER_SERVER_GRPC_USE_TLS=false/);
    expect(((error as Error).cause as Error).message).toMatch(/wrong version number/);
    // Right after the broken connection goes: grpc-js's graceful shutdown alone would never finish.
    await client.close();
    await server.close({ graceMs: 1_000 });
    expect(server.inFlight).toBe(0);
  });
});

describe("mutual TLS", () => {
  it("a client certificate from the CA is required: with one it works; without one, or with one from another CA, typed errors", async () => {
    const { server } = await startLoggedServer({ tls: { ...serverTls, clientCa: pki.ca } });
    const trusted = clientOf(server.address, { tls: { ca: pki.ca, serverName: SERVER_NAME, ...clientCertificate } });
    expect((await invoke(trusted, chatRequest("mtls"))).content).toContain("digest:");

    const anonymous = await failure(clientOf(server.address, { tls: { ca: pki.ca, serverName: SERVER_NAME } }));
    expect(anonymous).toBeInstanceOf(UnavailableError);
    expect((anonymous as Error).message).toMatch(/certificate required/);
    messages["no client certificate"] = (anonymous as Error).message;

    // The server's 'unknown ca' alert comes after the client's side of the TLS 1.3
    // handshake; grpc-js reports only that the connection failed.
    const stranger = await failure(clientOf(server.address, { tls: { ca: pki.ca, serverName: SERVER_NAME, cert: pki.untrusted.clientCert, key: pki.untrusted.clientKey } }));
    expect(stranger).toBeInstanceOf(UnavailableError);
    expect((stranger as Error).message).toMatch(/No connection established/);
    messages["client certificate from another CA"] = (stranger as Error).message;
  });

  it("the CLI serves mutual TLS from PEM files (--tls-cert, --tls-key, --tls-client-ca)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tamar-cli-tls-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, pem: string) => {
      writeFileSync(join(dir, name), pem, { mode: 0o600 });
      return join(dir, name);
    };
    const cli = runCli(
      ["--port", "0", "--offline", "--tls-cert", file("server.pem", pki.serverCert), "--tls-key", file("server.key", pki.serverKey), "--tls-client-ca", file("ca.pem", pki.ca)],
      { env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET } },
    );
    const address = /listening on (127\.0\.0\.1:\d+)/.exec(await cli.line(/listening on/))![1]!;
    const trusted = clientOf(address, { tls: { ca: pki.ca, serverName: SERVER_NAME, ...clientCertificate } });
    expect((await invoke(trusted, chatRequest("cli mtls"))).content).toContain("digest:");
    expect(await failure(clientOf(address, { tls: { ca: pki.ca, serverName: SERVER_NAME } }))).toBeInstanceOf(UnavailableError);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    report("tls", Object.fromEntries(Object.entries(messages).map(([what, message]) => [what, JSON.stringify(message.replace(/\(request id [^)]*\)/, "").slice(0, 140))])));
  });
});
