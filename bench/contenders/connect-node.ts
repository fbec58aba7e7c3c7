// Peer: @connectrpc/connect-node speaking the gRPC protocol, with
// protoc-gen-es messages holding the same fields as the SDK's wire message.
import { randomUUID } from "node:crypto";
import { create, type DescMessage, type DescService, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { WireModelRequestItem } from "tamar-model-client/middleware";
import { generated } from "../codegen.js";
import type { Contender, WireSetup } from "./contender.js";

interface EsModule {
  ModelService: DescService;
  ModelRequestItemSchema: DescMessage;
}

interface ConnectModelService {
  invoke(request: unknown, options: { headers: Record<string, string>; timeoutMs?: number }): AsyncIterable<unknown>;
}

/** The protoc-gen-es message for `item`, and its encoding (to compare bytes with the SDK's). */
export async function connectMessage(item: WireModelRequestItem): Promise<{ message: unknown; bytes: Uint8Array }> {
  const { ModelRequestItemSchema } = (await import(generated.es)) as EsModule;
  const message = create(ModelRequestItemSchema, { ...item, extra: item.extra as JsonObject });
  return { message, bytes: toBinary(ModelRequestItemSchema, message) };
}

export async function connectNode(setup: WireSetup): Promise<Contender> {
  const { ModelService } = (await import(generated.es)) as EsModule;
  const transport = createGrpcTransport({ baseUrl: `http://${setup.address}` });
  const client = createClient(ModelService, transport) as unknown as ConnectModelService;
  const unaryMessage = (await connectMessage(setup.unaryItem)).message;
  const streamMessage = (await connectMessage(setup.streamItem)).message;
  const headers = () => ({ authorization: setup.authorization, "x-request-id": randomUUID() });
  return {
    name: "connect-node",
    async unary() {
      let messages = 0;
      for await (const _ of client.invoke(unaryMessage, { headers: headers(), timeoutMs: setup.timeoutMs })) messages++;
      if (messages !== 1) throw new Error(`connect-node: ${messages} answers`);
    },
    async stream(onFirst) {
      let messages = 0;
      for await (const _ of client.invoke(streamMessage, { headers: headers() })) {
        if (messages++ === 0) onFirst();
      }
      return messages;
    },
    async close() {
      // The transport's HTTP/2 session closes itself once idle.
    },
  };
}
