// TLS with a custom CA and a client certificate (mTLS), with certificates made
// at test time by openssl (no committed keys). Skipped where openssl is absent.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createModelClient, invoke, UnavailableError } from "tamar-model-client";
import { userContext } from "./helpers/setup.js";
import { startTestServer } from "./helpers/test-server.js";

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), "tamar-tls-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout", "ca.key", "-out", "ca.pem");
  const issue = (name: string, extensions: string) => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`);
    run("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", `${name}.ext`, "-out", `${name}.pem`);
  };
  issue("server", "subjectAltName=DNS:model-manager.test\nextendedKeyUsage=serverAuth\n");
  issue("client", "extendedKeyUsage=clientAuth\n");
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return { ca: read("ca.pem"), serverCert: read("server.pem"), serverKey: read("server.key"), clientCert: read("client.pem"), clientKey: read("client.key") };
}

describe.skipIf(!hasOpenssl)("TLS", () => {
  it("mTLS with a custom CA and a server name override works; without a client certificate it is refused", async () => {
    const pem = makeCertificates();
    const server = await startTestServer({ tls: { cert: pem.serverCert, key: pem.serverKey, ca: pem.ca } });
    const request = { provider: "openai", model: "m", input: "x", userContext } as const;
    const base = { address: server.address, env: {}, envFile: false, maxRetries: 0 } as const;
    const client = createModelClient({ ...base, tls: { ca: pem.ca, cert: pem.clientCert, key: pem.clientKey, serverName: "model-manager.test" } });
    const anonymous = createModelClient({ ...base, tls: { ca: pem.ca, serverName: "model-manager.test" } });
    try {
      expect((await invoke(client, request)).content).toContain("echo openai responses m");
      await expect(invoke(anonymous, request)).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await client.close();
      await anonymous.close();
      await server.close();
    }
  });
});
