/**
 * Where finished answers are kept so that a retried call gets the answer of
 * its first attempt instead of a second provider call. The interface is
 * small, async and byte-based so that a store shared by several server
 * replicas (Redis: `GET` / `SET … PX`) can implement it as well as the
 * in-process one ({@link createMemoryAnswerStore}).
 */
import { ModelResponse, type ModelResponseItem } from "../../gen/model_service/model_service.js";

/** Keeps finished answers for a while. Keys are opaque, bounded strings (see `dedupKey`). */
export interface AnswerStore {
  /** The answer stored under `key`, or undefined when there is none (never stored, expired or evicted). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `answer` under `key` for `ttlMs`; may refuse or evict silently when full (a miss only costs a provider call). */
  set(key: string, answer: Uint8Array, ttlMs: number): Promise<void>;
}

/** The bytes of an answer: its messages as one `ModelResponse` protobuf message (the proto already has the shape). */
export function encodeAnswer(messages: readonly ModelResponseItem[]): Uint8Array {
  return ModelResponse.encode({ requestId: "", items: [...messages] }).finish();
}

/** The messages of stored answer bytes. */
export function decodeAnswer(bytes: Uint8Array): ModelResponseItem[] {
  return ModelResponse.decode(bytes).items;
}
