/**
 * Marks of the calls running on some replica, so that a retry reaching
 * another replica waits for the first one's answer instead of calling the
 * provider a second time. In one process the running call itself is the mark
 * (`shared-calls.ts`); a store shared by replicas (Redis) provides these.
 */

/** The mark of a call running here. */
export interface CallClaim {
  /** True when an attempt on another replica is waiting for this call's answer (it said so lately). */
  awaited(): Promise<boolean>;
  /** Removes the mark, if it is still this one's. */
  release(): Promise<void>;
}

export interface CallClaims {
  /**
   * Marks the call `key` as running here: its claim, or undefined when
   * another replica holds the mark. The mark is kept alive while this process
   * lives and lapses on its own when it dies.
   */
  claim(key: string): Promise<CallClaim | undefined>;
  /** Whether some replica holds the mark of `key`. */
  held(key: string): Promise<boolean>;
  /** Says that an attempt here waits for the answer of `key` (the mark of that lapses on its own). */
  waitFor(key: string): Promise<void>;
}
