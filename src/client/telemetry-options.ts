import type { MeterProviderLike, TracerProviderLike } from "../telemetry/provider-like.js";

export type { MeterProviderLike, TracerProviderLike };

/**
 * OpenTelemetry settings of a client. Spans and metrics follow the GenAI
 * semantic conventions (v1.41.0 names; the latest ones under
 * `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`) and go to the
 * providers registered with `@opentelemetry/api` — an optional peer
 * dependency: without it, or without a registered SDK, the client records
 * nothing and costs nothing.
 */
export interface TelemetryOptions {
  /** `false` records nothing, whatever is registered. Default true. */
  enabled?: boolean;
  /**
   * Records prompt and answer text on spans (`gen_ai.input.messages`,
   * `gen_ai.output.messages`, `gen_ai.system_instructions`). Off unless set
   * here or by `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`:
   * prompts often hold personal data.
   */
  recordContent?: boolean;
  /** Tracer provider to use instead of the global one. */
  tracerProvider?: TracerProviderLike;
  /** Meter provider to use instead of the global one. */
  meterProvider?: MeterProviderLike;
}
