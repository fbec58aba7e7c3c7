import { Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import type { ModelProvider, ProviderCall } from "tamar-model-client/server";
import { deferred, type Deferred } from "../helpers/deferred.js";
import { authMetadata, clientErrorOf } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";

const item = (model: string, fields: Record<string, unknown> = {}) => ({
  provider: "openai",
  invokeType: "chat-completions",
  orgId: "org-1",
  userId: "user-1",
  customId: `id-${model}`,
  extra: { model, messages: [{ role: "user", content: `question ${model}` }] },
  ...fields,
});

/** A provider each call of which waits until the test releases it. */
function gatedProvider() {
  const started: string[] = [];
  const gates = new Map<string, Deferred<void>>();
  const arrivals: Array<Deferred<void>> = [];
  const aborts = new Map<string, Deferred<void>>();
  const abortOf = (model: string) => {
    if (!aborts.has(model)) aborts.set(model, deferred());
    return aborts.get(model) as Deferred<void>;
  };
  let running = 0;
  let maxRunning = 0;
  const provider: ModelProvider = {
    async *invoke(call: ProviderCall) {
      const model = call.params["model"] as string;
      started.push(model);
      running++;
      maxRunning = Math.max(maxRunning, running);
      const gate = deferred();
      gates.set(model, gate);
      arrivals.shift()?.resolve();
      try {
        await Promise.race([
          gate.promise,
          new Promise((_, reject) =>
            call.signal.addEventListener("abort", () => {
              abortOf(model).resolve();
              reject(call.signal.reason);
            }),
          ),
        ]);
        if (model.startsWith("fail")) throw new Error(`upstream refused ${model}`);
        yield { content: `answer ${model}`, usage: { total_tokens: 1 }, raw: { model } };
      } finally {
        running--;
      }
    },
  };
  return {
    provider,
    started,
    get maxRunning() {
      return maxRunning;
    },
    /** Resolves once `count` more calls have started. */
    async nextStarts(count: number) {
      const waits = Array.from({ length: count }, () => {
        const arrival = deferred();
        arrivals.push(arrival);
        return arrival.promise;
      });
      await Promise.all(waits);
    },
    release(model: string) {
      gates.get(model)?.resolve();
    },
    /** Resolves when the call for `model` sees its abort signal fire. */
    aborted: (model: string) => abortOf(model).promise,
  };
}

describe("BatchInvoke", () => {
  it("runs higher priority first under the concurrency limit; answers in request order with custom_id", async () => {
    const gated = gatedProvider();
    const { client } = await startReferenceServer({ providers: { openai: gated.provider }, batchConcurrency: 2 });
    const items = [
      item("a", { priority: 1 }),
      item("b"), // unset priority counts as 0
      item("c", { priority: 5 }),
      item("d", { priority: 3 }),
      item("e", { priority: 5 }),
      item("f", { priority: -1 }),
    ];
    const firstTwo = gated.nextStarts(2);
    const batch = client.batchInvoke({ items }, { metadata: await authMetadata({ "x-request-id": "batch-1" }) });
    await firstTwo;
    expect(gated.started).toEqual(["c", "e"]);
    // release one at a time: each release lets exactly one more start
    for (const model of ["c", "e", "d", "a", "b", "f"]) {
      const next = gated.started.length < items.length ? gated.nextStarts(1) : Promise.resolve();
      gated.release(model);
      await next;
    }
    const response = await batch;
    expect(gated.started).toEqual(["c", "e", "d", "a", "b", "f"]);
    expect(gated.maxRunning).toBe(2);
    expect(response.requestId).toBe("batch-1");
    expect(response.items.map((answer) => answer.customId)).toEqual(["id-a", "id-b", "id-c", "id-d", "id-e", "id-f"]);
    expect(response.items.map((answer) => answer.content)).toEqual(["a", "b", "c", "d", "e", "f"].map((m) => `answer ${m}`));
    expect(response.items.every((answer) => answer.requestId === "batch-1" && answer.usage === '{"total_tokens":1}')).toBe(true);
  });

  it("an item's failure stays in its own error; its siblings succeed", async () => {
    const gated = gatedProvider();
    const { client } = await startReferenceServer({ providers: { openai: gated.provider }, batchConcurrency: 4 });
    const all = gated.nextStarts(2);
    const batch = client.batchInvoke(
      { items: [item("ok1"), item("fail1"), item("bad", { provider: "nope" }), item("x", { customId: undefined, provider: "anthropic", invokeType: "messages" })] },
      { metadata: await authMetadata() },
    );
    await all;
    gated.release("ok1");
    gated.release("fail1");
    const { items } = await batch;
    expect(items[0]).toMatchObject({ customId: "id-ok1", content: "answer ok1", error: "" });
    expect(items[1]).toMatchObject({ customId: "id-fail1", content: "" });
    expect(items[1]?.error).toBe("openai request failed: upstream refused fail1");
    expect(items[2]?.error).toMatch(/^INVALID_ARGUMENT: provider "nope" is not supported/);
    expect(items[3]?.error).toMatch(/^INVALID_ARGUMENT: extra.max_tokens is required/);
    expect(items[3]?.customId).toBeUndefined();
  });

  it("offline: a batch of 100 answers every item; an empty batch answers nothing", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await authMetadata();
    const items = Array.from({ length: 100 }, (_, i) => item(`m${i}`, { priority: i % 7 }));
    const response = await client.batchInvoke({ items }, { metadata });
    expect(response.items).toHaveLength(100);
    response.items.forEach((answer, i) => {
      expect(answer.customId).toBe(`id-m${i}`);
      expect(answer.content).toMatch(new RegExp(`^\\[openai/chat-completions/m${i}\\] `));
      expect(answer.error).toBe("");
    });
    expect((await client.batchInvoke({ items: [] }, { metadata })).items).toEqual([]);
  });

  it("more items than maxBatchItems → INVALID_ARGUMENT", async () => {
    const { client } = await startReferenceServer({ offline: true, maxBatchItems: 3 });
    const metadata = await authMetadata();
    const error = await clientErrorOf(() => client.batchInvoke({ items: [item("a"), item("b"), item("c"), item("d")] }, { metadata }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toContain("at most 3 items");
  });

  it("a cancelled batch aborts the items in flight and starts no more", async () => {
    const gated = gatedProvider();
    const { client } = await startReferenceServer({ providers: { openai: gated.provider }, batchConcurrency: 1 });
    const controller = new AbortController();
    const first = gated.nextStarts(1);
    const batch = client.batchInvoke({ items: [item("a"), item("b"), item("c")] }, { metadata: await authMetadata(), signal: controller.signal });
    await first;
    controller.abort();
    await expect(batch).rejects.toMatchObject({ name: "AbortError" });
    // the provider call in flight saw its signal abort; the others never started
    await gated.aborted("a");
    expect(gated.started).toEqual(["a"]);
  });
});
