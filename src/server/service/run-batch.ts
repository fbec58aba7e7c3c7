import { abortErrorOf } from "../grpc/abort.js";

/** How a batch is scheduled. */
export interface BatchSchedule {
  /** Items running at the same time, at most. */
  readonly concurrency: number;
  /** Stops starting new items; the call is over. */
  readonly signal: AbortSignal;
}

/**
 * Runs `work` for every item, at most `concurrency` at a time, starting
 * higher `priority` first (unset counts as 0; ties keep request order).
 * Results come back in request order. `work` must not reject for an item's
 * own failure: each item carries its own error.
 */
export async function runBatch<Item extends { readonly priority?: number | undefined }, Result>(
  items: readonly Item[],
  schedule: BatchSchedule,
  work: (item: Item, index: number) => Promise<Result>,
): Promise<Result[]> {
  const order = items
    .map((item, index) => ({ index, priority: item.priority ?? 0 }))
    .sort((a, b) => b.priority - a.priority || a.index - b.index);
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < order.length && !schedule.signal.aborted) {
      const { index } = order[next++] as { index: number };
      results[index] = await work(items[index] as Item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(schedule.concurrency, order.length) }, worker));
  if (schedule.signal.aborted) throw abortErrorOf(schedule.signal);
  return results;
}
