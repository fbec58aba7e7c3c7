/** Counts calls in flight, so shutdown can wait until the last one has ended. */
export interface InFlightCalls {
  /** Marks a call started; call the returned function once it has ended. */
  start(): () => void;
  /** Calls in flight now. */
  readonly size: number;
  /** Resolves when no call is in flight. */
  idle(): Promise<void>;
}

export function createInFlightCalls(): InFlightCalls {
  let size = 0;
  let waiters: Array<() => void> = [];
  return {
    start() {
      size++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        size--;
        if (size === 0) {
          const ready = waiters;
          waiters = [];
          for (const resolve of ready) resolve();
        }
      };
    },
    get size() {
      return size;
    },
    idle() {
      return size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}
