// The in-process answer store is bounded in time (TTL) and size (total bytes, oldest out first).
import { describe, expect, it } from "vitest";
import { decodeAnswer, encodeAnswer } from "../../src/server/dedup/answer-store.js";
import { createMemoryAnswerStore } from "../../src/server/dedup/memory-answer-store.js";

const bytes = (size: number, fill = 1) => new Uint8Array(size).fill(fill);

describe("memory answer store", () => {
  it("forgets an answer once its TTL has passed", async () => {
    let now = 1_000;
    const store = createMemoryAnswerStore({ maxBytes: 1_000, now: () => now });
    await store.set("a", bytes(10), 500);
    now += 499;
    expect(await store.get("a")).toEqual(bytes(10));
    now += 1;
    expect(await store.get("a")).toBeUndefined();
  });

  it("evicts the oldest answers to stay within maxBytes, and refuses one larger than that", async () => {
    const store = createMemoryAnswerStore({ maxBytes: 100 });
    await store.set("a", bytes(40, 1), 60_000);
    await store.set("b", bytes(40, 2), 60_000);
    await store.set("c", bytes(40, 3), 60_000);
    expect(await store.get("a")).toBeUndefined();
    expect(await store.get("b")).toEqual(bytes(40, 2));
    expect(await store.get("c")).toEqual(bytes(40, 3));
    await store.set("huge", bytes(101), 60_000);
    expect(await store.get("huge")).toBeUndefined();
    expect(await store.get("c")).toEqual(bytes(40, 3));
  });

  it("stores nothing with a TTL of 0", async () => {
    const store = createMemoryAnswerStore({ maxBytes: 100 });
    await store.set("a", bytes(1), 0);
    expect(await store.get("a")).toBeUndefined();
  });

  it("answers round-trip as protobuf bytes", () => {
    const message = { content: "Hi", usage: "{}", rawResponse: "", error: "", customId: "x", requestId: "r" };
    expect(decodeAnswer(encodeAnswer([message, { ...message, content: " there" }])).map((item) => item.content)).toEqual(["Hi", " there"]);
  });
});
