// Baseline: a plain @grpc/grpc-js client from ts-proto's grpc-js output, used
// the fast way (events, no wrappers), sending the SDK's wire message with the
// same metadata (JWT, x-request-id) and deadline.
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type { WireModelRequestItem, WireModelResponseItem } from "tamar-model-client/middleware";
import { generated } from "../codegen.js";
import type { Contender, WireSetup } from "./contender.js";

interface RawModelServiceClient extends grpc.Client {
  invoke(
    request: WireModelRequestItem,
    metadata: grpc.Metadata,
    options?: Partial<grpc.CallOptions>,
  ): grpc.ClientReadableStream<WireModelResponseItem>;
}

interface RawModule {
  ModelServiceClient: new (address: string, credentials: grpc.ChannelCredentials) => RawModelServiceClient;
}

export async function rawGrpcJs(setup: WireSetup): Promise<Contender> {
  const { ModelServiceClient } = (await import(generated.grpcJs)) as RawModule;
  const client = new ModelServiceClient(setup.address, grpc.credentials.createInsecure());
  const metadata = () => {
    const metadata = new grpc.Metadata();
    metadata.set("authorization", setup.authorization);
    metadata.set("x-request-id", randomUUID());
    return metadata;
  };
  const read = (call: grpc.ClientReadableStream<WireModelResponseItem>, onMessage: () => void) =>
    new Promise<void>((resolve, reject) => {
      call.on("data", onMessage);
      call.on("error", reject);
      call.on("end", resolve);
    });
  return {
    name: "raw grpc-js",
    async unary() {
      let messages = 0;
      const call = client.invoke(setup.unaryItem, metadata(), { deadline: Date.now() + setup.timeoutMs });
      await read(call, () => messages++);
      if (messages !== 1) throw new Error(`raw grpc-js: ${messages} answers`);
    },
    async stream(onFirst) {
      let messages = 0;
      await read(client.invoke(setup.streamItem, metadata()), () => {
        if (messages++ === 0) onFirst();
      });
      return messages;
    },
    async close() {
      client.close();
    },
  };
}
