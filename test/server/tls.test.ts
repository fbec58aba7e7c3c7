/**
 * TLS and mutual TLS, with a CA and certificates made by openssl at run time
 * (no committed keys).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChannelCredentials, createChannel, createClient, Status } from "nice-grpc";
import { beforeAll, describe, expect, it } from "vitest";
import { ModelServiceDefinition } from "../../src/gen/model_service/model_service.js";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { startTestServer } from "../helpers/server.js";

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let pki: { ca: Buffer; serverCert: Buffer; serverKey: Buffer; clientCert: Buffer; clientKey: Buffer };

beforeAll(() => {
  if (!hasOpenssl) return;
  const dir = mkdtempSync(join(tmpdir(), "tamar-tls-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "1", "-subj", "/CN=test-ca");
  writeFileSync(file("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  for (const name of ["server", "client"]) {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`), "-subj", `/CN=${name === "server" ? "localhost" : "test-client"}`);
    openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file(`${name}.pem`), "-days", "1", ...(name === "server" ? ["-extfile", file("server.ext")] : []));
  }
  pki = {
    ca: readFileSync(file("ca.pem")),
    serverCert: readFileSync(file("server.pem")),
    serverKey: readFileSync(file("server.key")),
    clientCert: readFileSync(file("client.pem")),
    clientKey: readFileSync(file("client.key")),
  };
});

const request = { provider: "openai", invokeType: "chat-completions", orgId: "org-1", userId: "user-1", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } };

describe.skipIf(!hasOpenssl)("TLS", () => {
  it("serves TLS to a client that trusts its CA, and nothing to a plaintext client", async () => {
    const metadata = await authMetadata();
    const { server } = await startTestServer({ offline: true, tls: { cert: pki.serverCert, key: pki.serverKey } });
    const secure = createChannel(server.address, ChannelCredentials.createSsl(pki.ca));
    const [answer] = await collect(createClient(ModelServiceDefinition, secure).invoke(request, { metadata }));
    expect(answer?.error).toBe("");
    secure.close();
    const plain = createChannel(server.address);
    const error = await clientErrorOf(() => collect(createClient(ModelServiceDefinition, plain).invoke(request, { metadata })));
    expect(error.code).toBe(Status.UNAVAILABLE);
    plain.close();
  });

  it("with clientCa, requires a client certificate signed by it (mTLS)", async () => {
    const metadata = await authMetadata();
    const { server } = await startTestServer({ offline: true, tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca } });
    const withCert = createChannel(server.address, ChannelCredentials.createSsl(pki.ca, pki.clientKey, pki.clientCert));
    const [answer] = await collect(createClient(ModelServiceDefinition, withCert).invoke(request, { metadata }));
    expect(answer?.error).toBe("");
    withCert.close();
    const without = createChannel(server.address, ChannelCredentials.createSsl(pki.ca));
    const error = await clientErrorOf(() => collect(createClient(ModelServiceDefinition, without).invoke(request, { metadata })));
    expect(error.code).toBe(Status.UNAVAILABLE);
    without.close();
  });
});
