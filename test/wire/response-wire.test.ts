// The server writes its answers itself (src/internal/response-wire.ts)
// instead of through ts-proto's growing writer: the bytes must be what
// nice-grpc's ts-proto support writes (fromPartial, then encode), byte for
// byte, and a real server's answers must decode into what it sent.
import { createChannel, createClient } from "nice-grpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelResponse, ModelResponseItem, ModelServiceDefinition } from "../../src/gen/model_service/model_service.js";
import { encodeModelResponse, encodeResponseItem } from "../../src/internal/response-wire.js";
import { serverServiceDefinition } from "../../src/server/grpc/server-service-definition.js";
import { startModelServer, type RunningModelServer } from "../../src/server/index.js";

/** An answer as a handler may give it: any field left out or undefined. */
type Answer = { [K in keyof ModelResponseItem]?: ModelResponseItem[K] | undefined };
type BatchAnswer = { requestId?: string | undefined; items?: Answer[] };

const tsProtoItem = (value: Answer) => Buffer.from(ModelResponseItem.encode(ModelResponseItem.fromPartial(value as Partial<ModelResponseItem>)).finish());
const tsProtoResponse = (value: BatchAnswer) => Buffer.from(ModelResponse.encode(ModelResponse.fromPartial(value as Partial<ModelResponse>)).finish());

// Texts around every boundary the writer has: empty, ASCII in the short
// copy loop and past it, multi-byte, a lone surrogate, and lengths whose
// varint takes one, two and three bytes.
const TEXTS = ["", "a", "ok", "x".repeat(63), "y".repeat(64), "z".repeat(65), "ünïcødé", "日本語", "emoji 😀", "\ud800 lone", "\udfff", "r".repeat(127), "s".repeat(128), "t".repeat(16_383), "u".repeat(16_384), "é".repeat(9_000)];

function randomItems(seed: number) {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const text = () => TEXTS[Math.floor(next() * TEXTS.length)]!;
  const maybe = () => (next() < 0.3 ? undefined : text());
  return (): Answer => ({ content: maybe(), usage: maybe(), rawResponse: maybe(), error: maybe(), customId: maybe(), requestId: maybe() });
}

describe("the server's answer bytes", () => {
  it("are ts-proto's for 2,000 generated answers, optional fields set to \"\" included", () => {
    const generate = randomItems(3);
    for (let run = 0; run < 2000; run++) {
      const answer = generate();
      expect(encodeResponseItem(answer).equals(tsProtoItem(answer)), JSON.stringify(answer)).toBe(true);
    }
    for (const answer of [{}, { customId: "", requestId: "" }, { content: "", error: "" }]) expect(encodeResponseItem(answer).equals(tsProtoItem(answer))).toBe(true);
  });

  it("are ts-proto's for a batch answer, with and without a request id", () => {
    const generate = randomItems(5);
    for (const requestId of ["", "req-1", "ü".repeat(200), undefined]) {
      const batch = { requestId, items: Array.from({ length: 40 }, generate) };
      expect(encodeModelResponse(batch).equals(tsProtoResponse(batch))).toBe(true);
    }
    expect(encodeModelResponse({}).equals(tsProtoResponse({}))).toBe(true);
    expect(encodeModelResponse({ requestId: "r", items: [{}, {}] }).equals(tsProtoResponse({ requestId: "r", items: [{}, {}] }))).toBe(true);
  });

  it("turn a non-string into text as ts-proto's writer does, and fail on a hole in the items as it does", () => {
    const odd = { content: 42, usage: true } as unknown as Answer;
    expect(encodeResponseItem(odd).equals(tsProtoItem(odd))).toBe(true);
    const sparse: Answer[] = [{ content: "a" }];
    sparse[2] = { content: "c" };
    expect(() => tsProtoResponse({ items: sparse })).toThrow(TypeError);
    expect(() => encodeModelResponse({ items: sparse })).toThrow(TypeError);
  });

  it("are what the server's definition writes for Invoke and BatchInvoke; the other methods keep ts-proto's", () => {
    const answer = { content: "hi", requestId: "r" };
    expect(Buffer.from(serverServiceDefinition.invoke.responseSerialize(answer as ModelResponseItem)).equals(tsProtoItem(answer))).toBe(true);
    const batch = { requestId: "r", items: [answer as ModelResponseItem] };
    expect(Buffer.from(serverServiceDefinition.batchInvoke.responseSerialize(batch)).equals(tsProtoResponse(batch))).toBe(true);
    expect(serverServiceDefinition.getTaskStatus.responseSerialize({ taskId: "t" } as never).byteLength).toBeGreaterThan(0);
    expect(Object.keys(serverServiceDefinition).sort()).toEqual(Object.keys(ModelServiceDefinition.methods).sort());
  });
});

describe("a server answering through them", () => {
  let server: RunningModelServer;
  beforeAll(async () => {
    server = await startModelServer({ host: "127.0.0.1", port: 0, offline: true, allowUnauthenticated: true, offlineChunkDelayMs: 0 });
  });
  afterAll(() => server.close());

  it("sends answers and batch answers a generated ts-proto client decodes whole", async () => {
    const channel = createChannel(server.address);
    const client = createClient(ModelServiceDefinition, channel);
    try {
      const extra = { model: "gpt-4o-mini", messages: [{ role: "user", content: "ünïcødé, please" }] };
      const item = { provider: "openai", invokeType: "chat-completions", orgId: "o", userId: "u", extra };
      const answers: ModelResponseItem[] = [];
      for await (const answer of client.invoke({ ...item, stream: true })) answers.push(answer);
      expect(answers.length).toBeGreaterThan(1);
      expect(answers.map((a) => a.content).join("")).not.toBe("");
      expect(answers.every((a) => a.error === "" && a.requestId !== undefined)).toBe(true);
      const batch = await client.batchInvoke({ items: [{ ...item, customId: "a" }, { ...item, customId: "b" }] });
      expect(batch.items.map((i) => i.customId)).toEqual(["a", "b"]);
      expect(batch.items.every((i) => i.content !== "" && JSON.parse(i.rawResponse) !== null)).toBe(true);
    } finally {
      channel.close();
    }
  });
});
