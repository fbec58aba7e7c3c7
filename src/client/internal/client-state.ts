// What the call functions share with the client that runs them. Kept apart
// from model-client.ts so that the call functions depend on this record, not
// on how a client is built.
import type { FallbackPatch } from "../fallback.js";
import type { ModelCallOptions } from "../model-call-options.js";
import type { ProviderErrorKind } from "../provider-error-kind.js";
import type { CallCancellation } from "./call-cancellation.js";
import type { InvokeCall } from "./invoke-layer.js";
import type { ClientTelemetry } from "./telemetry/call-telemetry.js";

/** Per-client state the call functions share; not part of the public surface. */
export interface ClientState {
  /** The cancellation of each call in flight, for close(). */
  readonly inFlight: Set<CallCancellation>;
  /** True when `invoke` runs on the fused layer (invoke-layer.ts), which takes a call's cancellation instead of a signal. */
  readonly fusedInvoke: boolean;
  /** Runs one Invoke RPC of `invoke` / `invokeStream` through the client's chain. */
  readonly invoke: InvokeCall;
  readonly unaryOptions: ModelCallOptions;
  readonly streamOptions: ModelCallOptions;
  readonly invokeTimeoutMs: number;
  readonly address: string;
  readonly fallbacks: readonly FallbackPatch[];
  readonly fallbackOn: readonly ProviderErrorKind[];
  /** Undefined when `@opentelemetry/api` is absent or telemetry is disabled. */
  readonly telemetry: ClientTelemetry | undefined;
  closed: boolean;
}

// Keyed by the client object the user holds, so the state cannot be reached
// (or forged) through the public ModelClient interface.
const states = new WeakMap<object, ClientState>();

/** Records the state of a client as it is created. */
export function bindClientState(client: object, state: ClientState): void {
  states.set(client, state);
}

/** The state of a client made by `createModelClient`; a TypeError for any other object. */
export function clientStateOf(client: object): ClientState {
  const state = states.get(client);
  if (!state) throw new TypeError("Not a client made by createModelClient");
  return state;
}
