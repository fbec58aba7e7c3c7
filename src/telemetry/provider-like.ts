// The providers a user may pass, shaped as `@opentelemetry/api` shapes them
// but declared structurally: public declarations must not need the optional
// package.

/** A tracer provider (`TracerProvider` of `@opentelemetry/api`). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

/** A meter provider (`MeterProvider` of `@opentelemetry/api`). */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}
