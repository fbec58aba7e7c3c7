/**
 * One provider call per (tenant, request id, request): the first attempt of a
 * call starts it; a retry that arrives while it runs attaches to it and gets
 * every message from the first (what was buffered, then the rest as it
 * comes); a retry that arrives after it finished gets the stored answer.
 *
 * A running call belongs to no attempt. When its last attempt goes away it
 * depends on how: an explicit cancel (or the deadline) aborts the provider
 * request at once; a transport loss keeps it running for `graceMs`, so that
 * the retry the client is about to send can attach, and aborts it only if
 * none does.
 *
 * Across replicas (with {@link CallClaims}, i.e. Redis) a running call holds
 * a mark. A retry that reaches another replica while the mark is held waits
 * for the answer to be stored (bounded by its own deadline) and replays it
 * whole, instead of calling the provider again; the first replica keeps its
 * call past the grace period while such a retry waits. If the mark lapses
 * without a stored answer (the call failed, was aborted, carried a provider
 * error, outgrew `maxAnswerBytes`, or its replica died), the waiting replica
 * makes the call itself.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { ModelResponseItem } from "../../gen/model_service/model_service.js";
import { abortErrorOf } from "../grpc/abort.js";
import type { ServerLogger } from "../logging/logger.js";
import { decodeAnswer, encodeAnswer, type AnswerStore } from "./answer-store.js";
import type { CallClaim, CallClaims } from "./call-claims.js";

/** Bounds of deduplication (server options `dedup*`). */
export interface DedupSettings {
  /** How long a finished answer is kept for a late retry, ms (0: not kept). */
  readonly ttlMs: number;
  /** How long a call whose connection was lost keeps running for a retry to attach, ms (0: aborted at once). */
  readonly graceMs: number;
  /** Largest answer buffered for replay and stored, bytes (estimated from its text fields). */
  readonly maxAnswerBytes: number;
}

/** One attempt of a call, as the shared call sees it. */
export interface Attempt {
  /** Aborted when the attempt is over on the server (cancel, deadline, lost connection). */
  readonly signal: AbortSignal;
  /** After `signal` aborted: true when the connection was lost rather than the call cancelled. */
  lostConnection(): boolean;
  readonly requestId: string;
  /** The attempt's log record, told whether it attached or replayed. */
  readonly logFields: Record<string, unknown>;
}

/** Produces the messages of a call, stopped by `signal`. */
export type AnswerSource = (signal: AbortSignal) => AsyncIterable<ModelResponseItem>;

export interface SharedCalls {
  /**
   * The messages of the call `key` for this attempt: a new provider call,
   * the running one or the stored answer. `key` undefined: not shared (the
   * caller gave no request id).
   */
  messages(key: string | undefined, attempt: Attempt, source: AnswerSource): AsyncGenerator<ModelResponseItem>;
  /** Calls running now (attached or in their grace period). */
  readonly running: number;
  /** No more grace periods: calls without an attempt are aborted now, later ones as their last attempt goes. */
  shutdown(): void;
  /** Resolves once every call started so far has ended and let go of its store (e.g. before the store closes). */
  settled(): Promise<void>;
}

interface Cursor {
  /** Index of the next message this attempt reads. */
  next: number;
}

interface Run {
  readonly key: string;
  /** The request id of the attempt that started it (logs). */
  readonly requestId: string;
  readonly controller: AbortController;
  /** Messages from index `base` on; earlier ones were dropped once the answer outgrew the replay buffer. */
  buffer: ModelResponseItem[];
  base: number;
  bytes: number;
  replayable: boolean;
  readonly cursors: Set<Cursor>;
  /** Set once the source has ended: `error` undefined for a complete answer. */
  end?: { readonly error?: unknown };
  wake: Array<() => void>;
  grace?: ReturnType<typeof setTimeout> | undefined;
  /** This replica's mark of the running call (with claims only). */
  claim?: CallClaim | undefined;
  /** The answer is the one another replica stored: not stored again. */
  fromOtherReplica?: boolean;
}

// How often a retry waiting for another replica's answer looks for it: from the first to the last interval, doubling.
const FIRST_LOOK_MS = 25;
const LAST_LOOK_MS = 500;

// A message's share of the replay buffer: its text fields dominate its size.
function sizeOf(message: ModelResponseItem): number {
  return message.content.length + message.usage.length + message.rawResponse.length + message.error.length + 64;
}

export function createSharedCalls(deps: {
  readonly store: AnswerStore;
  /** Marks of running calls shared by the replicas; without them a running call is shared within this process only. */
  readonly claims?: CallClaims | undefined;
  readonly settings: DedupSettings;
  readonly logger: ServerLogger;
}): SharedCalls {
  const { store, claims, settings, logger } = deps;
  const live = new Map<string, Run>();
  const pumping = new Set<Promise<void>>();
  let closing = false;

  const wakeAll = (run: Run) => {
    const waiting = run.wake;
    run.wake = [];
    for (const resolve of waiting) resolve();
  };

  function abortRun(run: Run, why: string): void {
    clearTimeout(run.grace);
    if (live.get(run.key) === run) live.delete(run.key);
    if (!run.controller.signal.aborted) run.controller.abort(new DOMException(why, "AbortError"));
  }

  // Messages every attempt has read are dropped once the answer can no longer be replayed whole.
  function trim(run: Run): void {
    if (run.replayable) return;
    let lowest = run.base + run.buffer.length;
    for (const cursor of run.cursors) lowest = Math.min(lowest, cursor.next);
    if (lowest > run.base) {
      run.buffer = run.buffer.slice(lowest - run.base);
      run.base = lowest;
    }
  }

  function push(run: Run, message: ModelResponseItem): void {
    run.buffer.push(message);
    run.bytes += sizeOf(message);
    if (run.replayable && run.bytes > settings.maxAnswerBytes) {
      run.replayable = false;
      logger({ level: "warn", msg: "answer too large to replay to a retry", max_answer_bytes: settings.maxAnswerBytes });
      // It will not be stored: a retry waiting on another replica need not wait for it.
      void releaseClaim(run);
    }
    trim(run);
    wakeAll(run);
  }

  async function releaseClaim(run: Run): Promise<void> {
    const claim = run.claim;
    run.claim = undefined;
    try {
      await claim?.release();
    } catch (error) {
      logger({ level: "warn", msg: "could not remove the mark of a finished call (it lapses on its own)", request_id: run.requestId, error: String(error) });
    }
  }

  // Resolves with the answer another replica stored for `key`, or undefined once no replica runs it without having stored one.
  async function answerFromElsewhere(key: string, signal: AbortSignal): Promise<Uint8Array | undefined> {
    for (let wait = FIRST_LOOK_MS; ; wait = Math.min(wait * 2, LAST_LOOK_MS)) {
      await claims!.waitFor(key);
      const answer = await store.get(key);
      if (answer !== undefined) return answer;
      // The holder stores before it lets go, so a look after the mark is gone is the last word.
      if (!(await claims!.held(key))) return store.get(key);
      await delay(wait, undefined, { signal });
    }
  }

  // The call's messages: from this replica's provider call, or, while another replica holds the call's mark, from the answer it stores.
  async function* produce(run: Run, source: AnswerSource): AsyncGenerator<ModelResponseItem> {
    const signal = run.controller.signal;
    while (claims) {
      if (signal.aborted) throw abortErrorOf(signal);
      let answer: Uint8Array | undefined;
      try {
        run.claim = await claims.claim(run.key);
        // Stored between this attempt's look and its claim: the answer, not a second call.
        answer = run.claim ? await store.get(run.key) : await waitElsewhere(run, signal);
      } catch (error) {
        if (signal.aborted) throw abortErrorOf(signal);
        logger({ level: "warn", msg: "the shared answer store failed: calling the provider here", request_id: run.requestId, error: String(error) });
        break;
      }
      if (answer !== undefined) {
        run.fromOtherReplica = true;
        yield* decodeAnswer(answer);
        return;
      }
      if (run.claim) break;
      logger({ level: "info", msg: "the call on another replica ended without a stored answer: calling the provider here", request_id: run.requestId });
    }
    if (signal.aborted) throw abortErrorOf(signal);
    yield* source(signal);
  }

  function waitElsewhere(run: Run, signal: AbortSignal): Promise<Uint8Array | undefined> {
    logger({ level: "info", msg: "waiting for the call running on another replica", request_id: run.requestId });
    return answerFromElsewhere(run.key, signal);
  }

  async function pump(run: Run, source: AnswerSource): Promise<void> {
    try {
      // Without shared marks the provider call is the only source: no wrapper around it.
      for await (const message of claims ? produce(run, source) : source(run.controller.signal)) {
        push(run, message);
        // Nobody can ever read the rest: stop paying for it.
        if (!run.replayable && run.cursors.size === 0) abortRun(run, "no attempt left to read the answer");
      }
      run.end = {};
    } catch (error) {
      run.end = { error };
    }
    clearTimeout(run.grace);
    wakeAll(run);
    try {
      // Kept live until stored, so that no retry falls between the two. An
      // in-band provider error is not kept: it was no generation to protect,
      // and a retry (after the provider's Retry-After) must reach the provider.
      const answered = run.buffer.every((message) => message.error === "");
      if (run.end.error === undefined && answered && run.replayable && settings.ttlMs > 0 && !run.fromOtherReplica) {
        await store.set(run.key, encodeAnswer(run.buffer), settings.ttlMs);
      }
    } catch (error) {
      logger({ level: "warn", msg: "the answer store failed to keep an answer", error: String(error) });
    } finally {
      if (live.get(run.key) === run) live.delete(run.key);
      // After the store: a retry waiting elsewhere finds the answer before the mark goes.
      await releaseClaim(run);
    }
  }

  function start(key: string, source: AnswerSource, requestId: string): Run {
    const run: Run = {
      key,
      requestId,
      controller: new AbortController(),
      buffer: [],
      base: 0,
      bytes: 0,
      replayable: true,
      cursors: new Set(),
      wake: [],
    };
    live.set(key, run);
    const pumped = pump(run, source);
    pumping.add(pumped);
    void pumped.finally(() => pumping.delete(pumped));
    return run;
  }

  // Resolves when the run has a new message or ended; rejects when the attempt is over.
  function changed(run: Run, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(abortErrorOf(signal));
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      run.wake.push(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  function leave(run: Run, cursor: Cursor, attempt: Attempt): void {
    run.cursors.delete(cursor);
    trim(run);
    if (run.cursors.size > 0 || run.end) return;
    const lost = attempt.signal.aborted && attempt.lostConnection();
    if (!lost || closing || settings.graceMs === 0 || !run.replayable) {
      abortRun(run, lost ? "the connection was lost and no retry can attach" : "the call was cancelled");
      return;
    }
    awaitRetry(run, attempt);
  }

  // The grace period of a call without attempt: aborted at its end, unless a retry on another replica waits for its answer.
  function awaitRetry(run: Run, attempt: Attempt): void {
    clearTimeout(run.grace);
    run.grace = setTimeout(async () => {
      const awaited = await run.claim?.awaited().catch(() => false);
      if (run.cursors.size > 0 || run.end || run.controller.signal.aborted) return;
      if (awaited && !closing) {
        logger({ level: "debug", msg: "a retry on another replica waits for this call: grace period extended", request_id: attempt.requestId });
        awaitRetry(run, attempt);
        return;
      }
      logger({ level: "info", msg: "no retry attached within the grace period: aborting the provider call", request_id: attempt.requestId });
      abortRun(run, "no retry attached within the grace period");
    }, settings.graceMs);
    run.grace.unref?.();
  }

  async function* follow(run: Run, attempt: Attempt): AsyncGenerator<ModelResponseItem> {
    const cursor: Cursor = { next: 0 };
    run.cursors.add(cursor);
    clearTimeout(run.grace);
    run.grace = undefined;
    try {
      for (;;) {
        while (cursor.next < run.base + run.buffer.length) {
          const message = run.buffer[cursor.next - run.base] as ModelResponseItem;
          cursor.next++;
          trim(run);
          yield message;
        }
        if (run.end) {
          if (run.end.error !== undefined) throw attempt.signal.aborted ? abortErrorOf(attempt.signal) : run.end.error;
          if (run.fromOtherReplica) attempt.logFields["dedup"] = "other-replica";
          return;
        }
        await changed(run, attempt.signal);
      }
    } finally {
      leave(run, cursor, attempt);
    }
  }

  async function* fromStore(key: string, attempt: Attempt): AsyncGenerator<ModelResponseItem, boolean> {
    let stored: Uint8Array | undefined;
    try {
      stored = await store.get(key);
    } catch (error) {
      logger({ level: "warn", msg: "the answer store failed to look up an answer", request_id: attempt.requestId, error: String(error) });
    }
    if (stored === undefined) return false;
    attempt.logFields["dedup"] = "stored";
    yield* decodeAnswer(stored);
    return true;
  }

  return {
    async *messages(key, attempt, source) {
      if (key === undefined) {
        yield* source(attempt.signal);
        return;
      }
      let run = live.get(key);
      if (!run) {
        if (yield* fromStore(key, attempt)) return;
        // The store lookup awaited: the first attempt may have started meanwhile.
        run = live.get(key);
      }
      if (run && !run.replayable) {
        // Its start is no longer buffered: this attempt cannot get the whole answer from it, only from a call of its own.
        attempt.logFields["dedup"] = "too-large-to-share";
        yield* source(attempt.signal);
        return;
      }
      if (!run) {
        if (attempt.signal.aborted) throw abortErrorOf(attempt.signal);
        run = start(key, source, attempt.requestId);
      } else {
        attempt.logFields["dedup"] = "attached";
        logger({ level: "debug", msg: "attempt attached to the running call", request_id: attempt.requestId, replayed: run.buffer.length });
      }
      yield* follow(run, attempt);
    },
    get running() {
      return live.size;
    },
    async settled() {
      await Promise.allSettled([...pumping]);
    },
    shutdown() {
      closing = true;
      for (const run of [...live.values()]) {
        if (run.cursors.size === 0 && !run.end) abortRun(run, "the server is shutting down");
      }
    },
  };
}
