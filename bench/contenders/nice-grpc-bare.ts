// Diagnostic: nice-grpc with no middleware at all, sending the same metadata
// the SDK's middlewares put on the wire. Separates nice-grpc's own cost from
// the SDK's.
import { randomUUID } from "node:crypto";
import { createChannel, createClient, Metadata } from "nice-grpc";
import { tamar } from "../client-under-test.js";
import type { Contender, WireSetup } from "./contender.js";

export async function niceGrpcBare(setup: WireSetup): Promise<Contender> {
  const channel = createChannel(setup.address);
  const client = createClient(tamar.ModelServiceDefinition, channel);
  const timeout = tamar.grpcTimeout(setup.timeoutMs);
  return {
    name: "nice-grpc, no middleware",
    diagnostic: true,
    async unary() {
      const metadata = Metadata({ authorization: setup.authorization, "x-request-id": randomUUID(), "grpc-timeout": timeout });
      let messages = 0;
      for await (const _ of client.invoke(setup.unaryItem, { metadata })) messages++;
      if (messages !== 1) throw new Error(`nice-grpc: ${messages} answers`);
    },
    async stream(onFirst) {
      const metadata = Metadata({ authorization: setup.authorization, "x-request-id": randomUUID() });
      let messages = 0;
      for await (const _ of client.invoke(setup.streamItem, { metadata })) {
        if (messages++ === 0) onFirst();
      }
      return messages;
    },
    async close() {
      channel.close();
    },
  };
}
