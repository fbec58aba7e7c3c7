import type { WireModelRequestItem } from "tamar-model-client/middleware";
import type { UnarySample } from "../measure.js";

/** One way of calling the Model Manager, measured against the others. */
export interface Contender {
  readonly name: string;
  /** Shown in the tables but not a target: it only locates costs. */
  readonly diagnostic?: boolean;
  /** One non-stream Invoke, read to the end of the call. */
  unary(): Promise<void>;
  /** One streamed Invoke, read to the end; calls `onFirst` at the first message; resolves to the message count. */
  stream(onFirst: () => void): Promise<number>;
  close(): Promise<void>;
}

/** What the contenders other than the SDK send, prepared once as the SDK would per call. */
export interface WireSetup {
  readonly address: string;
  /** `Bearer <JWT>` for the workload's tenant, signed once. */
  readonly authorization: string;
  readonly unaryItem: WireModelRequestItem;
  readonly streamItem: WireModelRequestItem;
  /** The SDK's default invoke deadline, sent by every contender on unary calls. */
  readonly timeoutMs: number;
}

/**
 * A contender the unary scenario hands a whole closed loop, for one that
 * runs in its own process (the Python clients): it reports its own latencies
 * and its own process's CPU.
 */
export interface LoadRunner {
  readonly name: string;
  readonly diagnostic?: boolean;
  closedLoop(concurrency: number, calls: number): Promise<UnarySample>;
  close(): Promise<void>;
}
