import type { AnswerStore } from "./answer-store.js";

/** Bounds of {@link createMemoryAnswerStore}. */
export interface MemoryAnswerStoreOptions {
  /** Bytes kept in all; the oldest answers are evicted first to make room. */
  readonly maxBytes: number;
  /** Clock, ms (tests). */
  readonly now?: () => number;
}

interface Entry {
  readonly answer: Uint8Array;
  readonly expires: number;
}

/**
 * An {@link AnswerStore} in this process: holds within one server process
 * only, forgotten on restart. Bounded by `maxBytes`; entries expire after
 * their TTL (checked on read, and swept oldest-first on write).
 */
export function createMemoryAnswerStore(options: MemoryAnswerStoreOptions): AnswerStore {
  const now = options.now ?? Date.now;
  // Insertion order is age order: every set re-inserts.
  const entries = new Map<string, Entry>();
  let bytes = 0;
  const remove = (key: string, entry: Entry) => {
    entries.delete(key);
    bytes -= entry.answer.byteLength;
  };
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= now()) {
        remove(key, entry);
        return undefined;
      }
      return entry.answer;
    },
    async set(key, answer, ttlMs) {
      const old = entries.get(key);
      if (old) remove(key, old);
      if (answer.byteLength > options.maxBytes || ttlMs <= 0) return;
      const time = now();
      for (const [oldestKey, oldest] of entries) {
        if (oldest.expires > time && bytes + answer.byteLength <= options.maxBytes) break;
        remove(oldestKey, oldest);
      }
      entries.set(key, { answer, expires: time + ttlMs });
      bytes += answer.byteLength;
    },
  };
}
