// Builds the contenders against a running server, all sending the same bytes.
import { SignJWT } from "jose";
import type { InvokeRequest } from "tamar-model-client";
import { tamar } from "./client-under-test.js";
import type { Contender, WireSetup } from "./contenders/contender.js";
import { connectMessage, connectNode } from "./contenders/connect-node.js";
import { niceGrpcBare } from "./contenders/nice-grpc-bare.js";
import { rawGrpcJs } from "./contenders/raw-grpc-js.js";
import { tamarClient } from "./contenders/tamar-client.js";
import { JWT_SECRET, streamRequest, TENANT, unaryRequest } from "./workload.js";

export interface Contenders {
  /** Baseline first, then the SDK, the peer and the diagnostic. */
  all: Contender[];
  baseline: Contender;
  sdk: ReturnType<typeof tamarClient>;
  wire: WireSetup;
  close(): Promise<void>;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, index) => byte === b[index]);

/** The wire messages and token of the contenders other than the SDK, built once as the SDK builds them per call. */
export async function buildWireSetup(address: string, timeoutMs: number, stream: InvokeRequest = streamRequest): Promise<WireSetup> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ org_id: TENANT.orgId, user_id: TENANT.userId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 3600)
    .sign(new TextEncoder().encode(JWT_SECRET));
  return {
    address,
    authorization: `Bearer ${jwt}`,
    unaryItem: (await tamar.buildInvokeRequest(unaryRequest, false)).item,
    streamItem: (await tamar.buildInvokeRequest(stream, true)).item,
    timeoutMs,
  };
}

export async function prepareContenders(address: string): Promise<Contenders> {
  const sdk = tamarClient(address);
  const wire = await buildWireSetup(address, sdk.client.settings.invokeTimeoutMs);
  // The peer's messages must be the SDK's bytes, or the comparison is off.
  for (const item of [wire.unaryItem, wire.streamItem]) {
    const ours = tamar.ModelServiceDefinition.methods.invoke.requestType.encode(item).finish();
    if (!sameBytes(ours, (await connectMessage(item)).bytes)) throw new Error("connect-node would send other bytes than the SDK");
  }
  const baseline = await rawGrpcJs(wire);
  const all = [baseline, sdk, await connectNode(wire), await niceGrpcBare(wire)];
  let closing: Promise<void> | undefined;
  return {
    all,
    baseline,
    sdk,
    wire,
    close: () => (closing ??= Promise.all(all.map((contender) => contender.close())).then(() => {})),
  };
}
