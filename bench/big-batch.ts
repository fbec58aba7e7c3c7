// A batch of thousands of items: the SDK's `invokeBatch` (validation, request
// building, answer JSON parsing, custom-id matching) against raw grpc-js
// sending the same request bytes, built once, and decoding the answer.
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type { WireModelRequest, WireModelResponse } from "tamar-model-client/middleware";
import { modulesOf, tamar } from "./client-under-test.js";
import { generated } from "./codegen.js";
import type { WireSetup } from "./contenders/contender.js";
import { interleavedRounds } from "./measure.js";
import { type Row, summarise } from "./scenarios.js";
import { TENANT, unaryRequest } from "./workload.js";

type BuildRequest = typeof import("../src/client/request/build-request.js");

interface RawBatchClient extends grpc.Client {
  batchInvoke(
    request: WireModelRequest,
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: (error: grpc.ServiceError | null, response: WireModelResponse) => void,
  ): grpc.ClientUnaryCall;
}

export type BigBatchMetric = "wallMs" | "clientCpuPerItem";

export interface BigBatchResult {
  items: number;
  rows: Row<BigBatchMetric>[];
}

/** Another build's SDK and client, as one more way (bench/big-batch-paired.ts). */
export interface OtherBuild {
  name: string;
  invokeBatch: typeof tamar.invokeBatch;
  client: ReturnType<typeof tamar.createModelClient>;
}

interface Way {
  name: string;
  run(): Promise<number>;
}

/** One batch of `items` per way per round, raw grpc-js (the baseline) and the SDK taking turns. */
export async function bigBatchScenario(
  client: ReturnType<typeof tamar.createModelClient>,
  wire: WireSetup,
  items: number,
  rounds: number,
  others: readonly OtherBuild[] = [],
): Promise<BigBatchResult> {
  const { userContext: _, ...item } = unaryRequest;
  const request = { userContext: TENANT, items: Array.from({ length: items }, () => item) };
  // The SDK's own request building (from the same build), run once here: the raw client sends its result.
  const { buildBatchRequest } = (await import(new URL("client/request/build-request.js", modulesOf(new URL("../dist/", import.meta.url))).href)) as BuildRequest;
  const { message } = await buildBatchRequest(request);
  const { ModelServiceClient } = (await import(generated.grpcJs)) as { ModelServiceClient: new (address: string, credentials: grpc.ChannelCredentials, options: object) => RawBatchClient };
  const raw = new ModelServiceClient(wire.address, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": client.settings.maxMessageBytes, "grpc.max_send_message_length": client.settings.maxMessageBytes });
  const metadata = () => {
    const metadata = new grpc.Metadata();
    metadata.set("authorization", wire.authorization);
    metadata.set("x-request-id", randomUUID());
    return metadata;
  };
  const ways: Way[] = [
    {
      name: "raw grpc-js",
      run: () =>
        new Promise((resolve, reject) =>
          raw.batchInvoke(message, metadata(), { deadline: Date.now() + wire.timeoutMs }, (error, response) => (error ? reject(error) : resolve(response.items.length))),
        ),
    },
    { name: "tamar invokeBatch", run: async () => (await tamar.invokeBatch(client, request)).responses.length },
    ...others.map((other) => ({ name: `${other.name} invokeBatch`, run: async () => (await other.invokeBatch(other.client, request)).responses.length })),
  ];
  try {
    const samples = await interleavedRounds(ways, rounds, async (way) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const answered = await way.run();
      const { user, system } = process.cpuUsage(cpu);
      if (answered !== items) throw new Error(`${way.name}: ${answered} answers to ${items} items`);
      return { wallMs: performance.now() - started, cpuPerItem: (user + system) / items };
    });
    return { items, rows: summarise(ways, samples, { wallMs: (s) => s.wallMs, clientCpuPerItem: (s) => s.cpuPerItem }) };
  } finally {
    raw.close();
  }
}
