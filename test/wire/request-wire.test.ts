// The client writes its requests' `extra` itself (src/internal/struct-wire.ts)
// instead of through ts-proto's Struct messages: the bytes must be ts-proto's,
// byte for byte, for every shape a JSON-like value can take — and the
// requests must decode into what was sent.
import { describe, expect, it } from "vitest";
import { ModelRequest, ModelRequestItem } from "../../src/gen/model_service/model_service.js";
import { clientServiceDefinition } from "../../src/client/internal/client-service-definition.js";
import { encodeModelRequest, encodeRequestItem } from "../../src/internal/request-wire.js";

const tsProtoItem = (value: ModelRequestItem) => Buffer.from(ModelRequestItem.encode(ModelRequestItem.fromPartial(value)).finish());
const tsProtoBatch = (value: ModelRequest) => Buffer.from(ModelRequest.encode(ModelRequest.fromPartial(value)).finish());
const item = (extra: Record<string, unknown> | undefined, rest: Partial<ModelRequestItem> = {}) =>
  ({ providerName: "openai", invokeType: "chat-completions", model: "gpt-4o-mini", orgId: "org", userId: "user", extra, ...rest }) as ModelRequestItem;

// A seeded generator of JSON-like values (what a request's extra holds), with
// the odd members JSON cannot say: undefined, holes, -0, NaN, Infinity.
function randomValues(seed: number) {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T,>(choices: readonly T[]) => choices[Math.floor(next() * choices.length)]!;
  const strings = ["", "a", "role", "ünïcødé", "日本語のテキスト", "emoji 😀", "\ud800 lone", "x".repeat(63), "y".repeat(64), "z".repeat(65), "é".repeat(40), "long ".repeat(300)];
  const numbers = [0, -0, 1, -1, 0.2, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 53, -1e-300, 1e300, Number.NaN, Infinity, -Infinity];
  function value(depth: number): unknown {
    const kind = depth > 3 ? Math.floor(next() * 5) : Math.floor(next() * 8);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return next() < 0.5;
      case 2:
        return pick(numbers);
      case 3:
        return pick(strings);
      case 4:
        return undefined;
      case 5: {
        const list: unknown[] = [];
        const length = Math.floor(next() * 5);
        for (let index = 0; index < length; index++) list.push(value(depth + 1));
        return list;
      }
      default: {
        const object: Record<string, unknown> = {};
        const length = Math.floor(next() * 6);
        for (let index = 0; index < length; index++) object[pick([...strings, "1", "10", "key"])] = value(depth + 1);
        return object;
      }
    }
  }
  return () => {
    const extra: Record<string, unknown> = {};
    for (let index = 0; index < 4; index++) extra[pick(strings) || "k"] = value(0);
    return extra;
  };
}

describe("the client's request bytes", () => {
  it("are ts-proto's for a chat request, and decode into what was sent", () => {
    const request = item({
      messages: [
        { role: "system", content: "You are a terse assistant." },
        { role: "user", content: "Summarise the benchmark in one sentence, please." },
      ],
      temperature: 0.2,
      max_tokens: 16,
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {}, required: [] } } }],
    });
    const bytes = encodeRequestItem(request);
    expect(bytes.equals(tsProtoItem(request))).toBe(true);
    expect(ModelRequestItem.decode(bytes)).toEqual(ModelRequestItem.fromPartial(request));
  });

  it("are ts-proto's for 2,000 generated extras (every JSON-like shape, odd members included)", () => {
    const generate = randomValues(7);
    for (let run = 0; run < 2000; run++) {
      const request = item(generate());
      expect(encodeRequestItem(request).equals(tsProtoItem(request)), JSON.stringify(request.extra)).toBe(true);
    }
  });

  it("are ts-proto's for the members ts-proto treats specially", () => {
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}') as Record<string, unknown>;
    const sparse: unknown[] = [1];
    sparse[3] = "after a hole";
    const cases: Record<string, unknown>[] = [
      {},
      withProto,
      { "": "an empty key", gone: undefined },
      { sparse, listOfUndefined: [undefined, undefined] },
      { date: new Date(0), boxed: Object(true), nested: { deeper: { deepest: [[[]], {}] } } },
      { 2: "integer-like keys come first", b: 1, 1: 0 },
    ];
    for (const extra of cases) {
      const request = item(extra);
      expect(encodeRequestItem(request).equals(tsProtoItem(request)), Object.keys(extra).join()).toBe(true);
    }
    expect(encodeRequestItem(item(undefined)).equals(tsProtoItem(item(undefined)))).toBe(true);
    expect(encodeRequestItem(item({ a: 1 }, { priority: 3, customId: "c-1", clientType: "t" })).equals(tsProtoItem(item({ a: 1 }, { priority: 3, customId: "c-1", clientType: "t" })))).toBe(true);
  });

  it("refuse what ts-proto refuses, with its error", () => {
    for (const odd of [() => 1, 10n, Symbol("s")]) {
      const request = item({ odd });
      expect(() => tsProtoItem(request)).toThrow(/Unsupported any value type/);
      expect(() => encodeRequestItem(request)).toThrow(`Unsupported any value type: ${typeof odd}`);
    }
  });

  it("leave the caller's item as it was", () => {
    const extra = { a: [1, 2] };
    const request = item(extra);
    encodeRequestItem(request);
    expect(request.extra).toBe(extra);
    expect(extra).toEqual({ a: [1, 2] });
  });

  it("are ts-proto's for a batch, and the service definition sends them", () => {
    const generate = randomValues(11);
    const batch: ModelRequest = { items: Array.from({ length: 50 }, (_, index) => item(index % 7 === 0 ? undefined : generate(), { customId: `c-${index}` })) };
    expect(encodeModelRequest(batch).equals(tsProtoBatch(batch))).toBe(true);
    expect(encodeModelRequest({ items: [] }).equals(tsProtoBatch({ items: [] }))).toBe(true);
    expect(Buffer.from(clientServiceDefinition.batchInvoke!.requestSerialize(batch)).equals(tsProtoBatch(batch))).toBe(true);
    expect(Buffer.from(clientServiceDefinition.invoke!.requestSerialize(batch.items[1]!)).equals(tsProtoItem(batch.items[1]!))).toBe(true);
    expect(Object.keys(clientServiceDefinition).sort()).toEqual(["batchGetTaskStatus", "batchInvoke", "getTaskStatus", "invoke"]);
  });
});
