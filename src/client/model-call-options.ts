import type { CallControllerOptions } from "./internal/abort.js";
import type { FallbackCallOptions } from "./internal/fallback-middleware.js";
import type { DeadlineOptions } from "./middleware/deadline.js";
import type { JwtCallOptions } from "./middleware/jwt.js";
import type { RequestIdOptions } from "./middleware/request-id.js";
import type { StreamTimeoutOptions } from "./middleware/stream-timeouts.js";
import type { RetryCallOptions } from "./retry-policy.js";

/** Call options understood by the client's middleware chain. */
export type ModelCallOptions = RequestIdOptions &
  DeadlineOptions &
  StreamTimeoutOptions &
  RetryCallOptions &
  FallbackCallOptions &
  JwtCallOptions &
  CallControllerOptions;
