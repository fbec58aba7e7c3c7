/**
 * TLS and mutual TLS, with a CA and certificates made by openssl at run time
 * (no committed keys).
 */
import { ChannelCredentials, createChannel, createClient, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { ModelServiceDefinition } from "../../src/gen/model_service/model_service.js";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { testPki } from "../helpers/pki.js";
import { startReferenceServer } from "../helpers/reference-server.js";

const pki = (() => {
  const pem = testPki();
  return { ...pem, ca: Buffer.from(pem.ca), clientCert: Buffer.from(pem.clientCert), clientKey: Buffer.from(pem.clientKey) };
})();

const request = { provider: "openai", invokeType: "chat-completions", orgId: "org-1", userId: "user-1", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } };

describe("TLS", () => {
  it("serves TLS to a client that trusts its CA, and nothing to a plaintext client", async () => {
    const metadata = await authMetadata();
    const { server } = await startReferenceServer({ offline: true, tls: { cert: pki.serverCert, key: pki.serverKey } });
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
    const { server } = await startReferenceServer({ offline: true, tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca } });
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
