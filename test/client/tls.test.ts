// TLS with a custom CA and a client certificate (mTLS), with certificates made
// at test time by openssl (no committed keys).
import { describe, expect, it } from "vitest";
import { createModelClient, invoke, UnavailableError } from "tamar-model-client";
import { userContext } from "../helpers/setup.js";
import { testPki } from "../helpers/pki.js";
import { startScriptedServer } from "../helpers/scripted-server.js";

describe("TLS", () => {
  it("mTLS with a custom CA and a server name override works; without a client certificate it is refused", async () => {
    const pem = testPki();
    const server = await startScriptedServer({ tls: { cert: pem.serverCert, key: pem.serverKey, ca: pem.ca } });
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
