import type { MeterProviderLike, TracerProviderLike } from "../../telemetry/provider-like.js";

/** OpenTelemetry settings of the server (traces and metrics go to the global providers by default). */
export interface ServerTelemetryOptions {
  /** `false` records nothing. Default true. */
  readonly enabled?: boolean | undefined;
  readonly tracerProvider?: TracerProviderLike | undefined;
  readonly meterProvider?: MeterProviderLike | undefined;
}
