// The server sees the deadline (grpc-timeout on the wire); streams are bounded
// by first-chunk and idle timeouts instead of a whole-stream deadline.
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  createModelClient,
  DeadlineExceededError,
  invoke,
  invokeBatch,
  invokeStream,
  StreamInterruptedError,
  type InvokeRequest,
} from "tamar-model-client";
import {
  ModelServiceDefinition,
  type WireModelRequest,
  type WireModelRequestItem,
  type WireModelResponse,
  type WireModelResponseItem,
} from "tamar-model-client/middleware";
import { grpcTimeout } from "../../src/client/middleware/wire-deadline.js";
import { ModelRequest, ModelRequestItem, ModelResponse, ModelResponseItem } from "../../src/gen/model_service/model_service.js";
import { aborted, setup, userContext } from "../helpers/setup.js";
import { FINISHED } from "../helpers/scripted-server.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/** A grpc-js method definition of ModelService, from the generated codecs. */
function grpcJsMethod<Req, Res>(name: string, request: Codec<Req>, response: Codec<Res>, responseStream: boolean) {
  return {
    path: `/${ModelServiceDefinition.fullName}/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: (message: Req) => Buffer.from(request.encode(message).finish()),
    requestDeserialize: (bytes: Buffer) => request.decode(bytes),
    responseSerialize: (message: Res) => Buffer.from(response.encode(message).finish()),
    responseDeserialize: (bytes: Buffer) => response.decode(bytes),
  };
}

/** A bare grpc-js server whose Invoke reports the deadline grpc-js derived from the call's headers. */
async function startDeadlineProbe() {
  const deadlines: (Date | number)[] = [];
  const server = new grpc.Server();
  server.addService(
    {
      invoke: grpcJsMethod("Invoke", ModelRequestItem, ModelResponseItem, true),
      batchInvoke: grpcJsMethod("BatchInvoke", ModelRequest, ModelResponse, false),
    },
    {
      invoke: (call: grpc.ServerWritableStream<WireModelRequestItem, WireModelResponseItem>) => {
        deadlines.push(call.getDeadline());
        call.write(ModelResponseItem.fromPartial({ content: "ok", ...FINISHED }));
        call.end();
      },
      batchInvoke: (call: grpc.ServerUnaryCall<WireModelRequest, WireModelResponse>, callback: grpc.sendUnaryData<WireModelResponse>) => {
        deadlines.push(call.getDeadline());
        callback(null, ModelResponse.fromPartial({}));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const client = createModelClient({ address: `127.0.0.1:${port}`, useTls: false, env: {}, envFile: false });
  onTestFinished(async () => {
    await client.close();
    server.forceShutdown();
  });
  return { client, deadlines };
}

const msUntil = (deadline: Date | number) => (deadline instanceof Date ? deadline.getTime() : deadline) - Date.now();

describe("deadlines", () => {
  it("formats grpc-timeout within 8 digits", () => {
    expect(grpcTimeout(1500)).toBe("1500m");
    expect(grpcTimeout(0.2)).toBe("1m");
    expect(grpcTimeout(1e9)).toBe("1000000S");
    expect(grpcTimeout(1e12)).toBe("277778H");
  });

  it("the server gets the deadline of invoke and invokeBatch: timeoutMs, else the client's invoke timeout", async () => {
    const { client, deadlines } = await startDeadlineProbe();
    await invoke(client, request, { timeoutMs: 5_000 });
    await invoke(client, request);
    await invokeBatch(client, { userContext, items: [] }, { timeoutMs: 7_000 });
    await invokeBatch(client, { userContext, items: [] });
    expect(msUntil(deadlines[0]!)).toBeGreaterThan(3_000);
    expect(msUntil(deadlines[0]!)).toBeLessThanOrEqual(5_000);
    expect(msUntil(deadlines[1]!)).toBeGreaterThan(25_000);
    expect(msUntil(deadlines[1]!)).toBeLessThanOrEqual(30_000);
    expect(msUntil(deadlines[2]!)).toBeGreaterThan(5_000);
    expect(msUntil(deadlines[2]!)).toBeLessThanOrEqual(7_000);
    expect(msUntil(deadlines[3]!)).toBeGreaterThan(25_000);
    expect(msUntil(deadlines[3]!)).toBeLessThanOrEqual(30_000);
  });

  it("a stream carries no deadline unless the caller sets one", async () => {
    const { client, deadlines } = await startDeadlineProbe();
    for await (const _ of invokeStream(client, request));
    for await (const _ of invokeStream(client, request, { timeoutMs: 8_000 }));
    expect(deadlines[0]).toBe(Infinity);
    expect(msUntil(deadlines[1]!)).toBeGreaterThan(6_000);
    expect(msUntil(deadlines[1]!)).toBeLessThanOrEqual(8_000);
  });

  it("a passed deadline fails with DeadlineExceededError and stops the server's work", async () => {
    const { server, client } = await setup();
    server.invoke = async function* (_req, ctx) {
      await aborted(ctx.signal);
    };
    const error = await invoke(client, request, { timeoutMs: 200, requestId: "req-late" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ code: 4, requestId: "req-late" });
    await aborted(server.calls[0]!.signal);
  });

  it("a stream without a first chunk in time fails with DeadlineExceededError", async () => {
    const { server, client } = await setup({ client: { streamFirstChunkTimeoutMs: 150 } });
    server.invoke = async function* (_req, ctx) {
      await aborted(ctx.signal);
    };
    const error = await invokeStream(client, request)
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain("no first message within 150 ms");
    await aborted(server.calls[0]!.signal);
  });

  it("a stream idle for too long is interrupted; a slow consumer does not count as idle", async () => {
    const { server, client } = await setup({ client: { streamIdleTimeoutMs: 150 } });
    server.invoke = async function* (_req, ctx) {
      yield { content: "a" };
      yield { content: "b" };
      await aborted(ctx.signal);
    };
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request)) {
        chunks.push(chunk.content!);
        // The consumer holds the first chunk longer than the idle timeout.
        if (chunks.length === 1) await new Promise((resolve) => setTimeout(resolve, 400));
      }
    })().catch((e: unknown) => e);
    expect(chunks).toEqual(["a", "b"]);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).cause).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain("no message for 150 ms");
  });
});
