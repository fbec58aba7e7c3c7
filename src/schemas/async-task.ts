// Fields that turn a call into an asynchronous task. They travel in `extra`
// as the Python SDK 0.5 sends them (`enable_async_task`, `callback_url`).
import * as v from "valibot";

/** An absolute http(s) URL the server POSTs the finished task to. */
export const CallbackUrlSchema = v.pipe(
  v.string(),
  v.check((text) => {
    try {
      return ["http:", "https:"].includes(new URL(text).protocol);
    } catch {
      return false;
    }
  }, "must be an absolute http:// or https:// URL"),
);

/**
 * The entries of an asynchronous request: `enableAsyncTask: true` (the
 * server answers at once with a task id) and an optional `callbackUrl`.
 */
export const AsyncTaskEntries = {
  enableAsyncTask: v.literal(true, "must be true for an asynchronous task (leave it out for a direct answer)"),
  callbackUrl: v.optional(CallbackUrlSchema),
};
