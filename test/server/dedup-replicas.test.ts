// Shared calls of two replicas (two shared-call registries in this process)
// over one real Redis: a retry reaching replica B while replica A runs the
// call waits for A's answer; when A ends without a kept answer, B calls the
// provider itself; B's deadline bounds the wait; A keeps a call whose
// connection was lost past its grace period while B waits for it.
import { afterEach, describe, expect, it } from "vitest";
import type { ModelResponseItem } from "../../src/gen/model_service/model_service.js";
import { createRedisAnswerStore, type RedisAnswerStore } from "../../src/server/dedup/redis-answer-store.js";
import { createSharedCalls, type AnswerSource, type Attempt, type DedupSettings, type SharedCalls } from "../../src/server/dedup/shared-calls.js";
import type { LogRecord, ServerLogger } from "../../src/server/logging/logger.js";
import { deferred } from "../helpers/deferred.js";
import { redisPrefix, redisUrl } from "../helpers/redis.js";

const settings: DedupSettings = { ttlMs: 60_000, graceMs: 30_000, maxAnswerBytes: 1_000_000 };
const opened: RedisAnswerStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

interface Replica {
  readonly calls: SharedCalls;
  readonly log: LogRecord[];
  /** Resolves with the first log record (past or future) whose message matches. */
  logged(msg: string): Promise<LogRecord>;
}

async function replicas(count: number, overrides: Partial<DedupSettings> = {}): Promise<Replica[]> {
  const prefix = redisPrefix();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const log: LogRecord[] = [];
      const waiters: Array<{ msg: string; found: (record: LogRecord) => void }> = [];
      const logger: ServerLogger = (record) => {
        log.push(record);
        for (const waiter of waiters.filter((each) => each.msg === record.msg)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.found(record);
        }
      };
      const store = await createRedisAnswerStore({ url: await redisUrl(), prefix, maxBytes: 1_000_000, importModule: (name) => import(name), logger });
      opened.push(store);
      const calls = createSharedCalls({ store, claims: store.claims, settings: { ...settings, ...overrides }, logger });
      return {
        calls,
        log,
        logged: (msg: string) =>
          new Promise<LogRecord>((resolve) => {
            const seen = log.find((record) => record.msg === msg);
            if (seen) resolve(seen);
            else waiters.push({ msg, found: resolve });
          }),
      };
    }),
  );
}

function attempt(requestId = "r1", lost = false): Attempt & { readonly controller: AbortController } {
  const controller = new AbortController();
  return { controller, signal: controller.signal, lostConnection: () => lost, requestId, logFields: {} };
}

const message = (content: string, error = ""): ModelResponseItem => ({ content, usage: "", rawResponse: "", error, customId: "", requestId: "r1" });

/** A provider call that sends `first`, waits for `release`, then sends `rest`; counts its calls and sees its abort. */
function heldSource(first: ModelResponseItem[], rest: ModelResponseItem[] = []) {
  const gate = deferred();
  const started = deferred();
  const aborted = deferred();
  let calls = 0;
  const source: AnswerSource = async function* (signal) {
    calls++;
    signal.addEventListener("abort", () => aborted.resolve(), { once: true });
    yield* first;
    started.resolve();
    await gate.promise;
    if (signal.aborted) throw signal.reason;
    yield* rest;
  };
  return { source, release: () => gate.resolve(), started: started.promise, aborted: aborted.promise, calls: () => calls };
}

/** A provider call that must never run. */
const never: AnswerSource = async function* () {
  throw new Error("the second replica called the provider");
};

async function all(messages: AsyncIterable<ModelResponseItem>): Promise<string[]> {
  const contents: string[] = [];
  for await (const each of messages) contents.push(each.content);
  return contents;
}

describe("shared calls across replicas through Redis", () => {
  it("a retry on replica B while A runs the call waits and gets A's whole answer, with one provider call", async () => {
    const [a, b] = await replicas(2);
    const first = heldSource([message("Hi")], [message(" there")]);
    const onA = all(a!.calls.messages("k", attempt(), first.source));
    await first.started;
    const retry = attempt();
    const onB = all(b!.calls.messages("k", retry, never));
    await b!.logged("waiting for the call running on another replica");
    first.release();
    expect(await onA).toEqual(["Hi", " there"]);
    expect(await onB).toEqual(["Hi", " there"]);
    expect(first.calls()).toBe(1);
    expect(retry.logFields["dedup"]).toBe("other-replica");
  });

  it("a retry on B after A finished gets the stored answer", async () => {
    const [a, b] = await replicas(2);
    const first = heldSource([message("done")]);
    first.release();
    expect(await all(a!.calls.messages("k", attempt(), first.source))).toEqual(["done"]);
    // Stored (and let go of) just after the answer went out.
    await a!.calls.settled();
    const retry = attempt();
    expect(await all(b!.calls.messages("k", retry, never))).toEqual(["done"]);
    expect(retry.logFields["dedup"]).toBe("stored");
  });

  it("when A's call fails, B calls the provider itself, once", async () => {
    const [a, b] = await replicas(2);
    const gate = deferred();
    const started = deferred();
    const failing: AnswerSource = async function* () {
      yield message("Hi");
      started.resolve();
      await gate.promise;
      throw new Error("provider went away");
    };
    const onA = all(a!.calls.messages("k", attempt(), failing));
    await started.promise;
    const own = heldSource([message("own answer")]);
    own.release();
    const onB = all(b!.calls.messages("k", attempt(), own.source));
    await b!.logged("waiting for the call running on another replica");
    gate.resolve();
    await expect(onA).rejects.toThrow("provider went away");
    expect(await onB).toEqual(["own answer"]);
    expect(own.calls()).toBe(1);
    expect(b!.log.some((record) => record.msg === "the call on another replica ended without a stored answer: calling the provider here")).toBe(true);
  });

  it("an answer with an in-band provider error is not shared: B calls the provider", async () => {
    const [a, b] = await replicas(2);
    const first = heldSource([message("", "429 rate limited")]);
    const onA = all(a!.calls.messages("k", attempt(), first.source));
    await first.started;
    const own = heldSource([message("own answer")]);
    own.release();
    const onB = all(b!.calls.messages("k", attempt(), own.source));
    await b!.logged("waiting for the call running on another replica");
    first.release();
    await onA;
    expect(await onB).toEqual(["own answer"]);
    expect(own.calls()).toBe(1);
  });

  it("B's deadline ends its wait; A's call goes on", async () => {
    const [a, b] = await replicas(2);
    const first = heldSource([message("Hi")], [message(" there")]);
    const onA = all(a!.calls.messages("k", attempt(), first.source));
    await first.started;
    const retry = attempt();
    const onB = all(b!.calls.messages("k", retry, never));
    await b!.logged("waiting for the call running on another replica");
    retry.controller.abort(new DOMException("deadline", "AbortError"));
    await expect(onB).rejects.toThrow("deadline");
    first.release();
    expect(await onA).toEqual(["Hi", " there"]);
  });

  it("A keeps a call whose connection was lost past its grace period while B waits for it", async () => {
    const [a, b] = await replicas(2, { graceMs: 50 });
    const first = heldSource([message("Hi")], [message(" there")]);
    const original = attempt("r1", true);
    const onA = all(a!.calls.messages("k", original, first.source));
    await first.started;
    const onB = all(b!.calls.messages("k", attempt(), never));
    await b!.logged("waiting for the call running on another replica");
    original.controller.abort(new DOMException("connection lost", "AbortError"));
    await expect(onA).rejects.toThrow("connection lost");
    await a!.logged("a retry on another replica waits for this call: grace period extended");
    first.release();
    expect(await onB).toEqual(["Hi", " there"]);
    expect(first.calls()).toBe(1);
  });

  it("without a waiting retry, a lost call is still aborted when its grace period ends", async () => {
    const [a] = await replicas(1, { graceMs: 50 });
    const first = heldSource([message("Hi")], [message(" there")]);
    const original = attempt("r1", true);
    const onA = all(a!.calls.messages("k", original, first.source));
    await first.started;
    original.controller.abort(new DOMException("connection lost", "AbortError"));
    await expect(onA).rejects.toThrow("connection lost");
    await first.aborted;
    first.release();
    await a!.calls.settled();
    expect(a!.calls.running).toBe(0);
  });
});
