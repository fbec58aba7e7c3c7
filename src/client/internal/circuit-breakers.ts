// One circuit breaker per route (server address × provider × model). A
// breaker opens on consecutive failures or on a failure rate over a window,
// lets one probe call through after its cooldown (half-open), and closes when
// that probe succeeds. While it is open, calls on the route cost nothing: they
// go to the next fallback, or fail with a CircuitOpenError at once.
import { type CircuitState, ConfigurationError } from "../errors.js";
import type { ModelRoute } from "../response/model-response.js";

/** Settings of the per-route circuit breakers. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** Failure rate (0-1] over `windowMs` that opens it, once `minimumCalls` calls are in the window. Default 0.5. */
  failureRate?: number;
  /** Calls the window must hold before the rate counts. Default 10. */
  minimumCalls?: number;
  /** Length of the rate window, ms. Default 60000. */
  windowMs?: number;
  /** How long an open breaker waits before a probe, ms. Default 30000. */
  cooldownMs?: number;
}

/** A route's breaker, as {@link ModelClient.circuitStates} reports it. */
export interface RouteCircuit {
  readonly address: string;
  readonly provider: string;
  readonly model: string | undefined;
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** Calls and failures in the current window. */
  readonly windowCalls: number;
  readonly windowFailures: number;
  /** Open: when the next probe is let through. */
  readonly probeAt: Date | undefined;
}

/** A change of a breaker's state. */
export interface CircuitTransition {
  readonly route: Pick<ModelRoute, "address" | "provider" | "model">;
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Set when the breaker opened: when it will let a probe through. */
  readonly probeAt?: Date;
  /** Why it opened. */
  readonly reason?: string;
}

/** What a route's breaker says before an attempt. */
export type Admission = { readonly admitted: true; readonly probe: boolean } | { readonly admitted: false; readonly probeAt: Date };

/** The outcome of an attempt, for its route's breaker: `neutral` neither proves nor disproves the route's health. */
export type Outcome = "success" | "failure" | "neutral";

type Resolved = Required<CircuitBreakerOptions>;

/** Defaults of {@link CircuitBreakerOptions}. */
export const CIRCUIT_BREAKER_DEFAULTS: Readonly<Resolved> = Object.freeze({
  failureThreshold: 5,
  failureRate: 0.5,
  minimumCalls: 10,
  windowMs: 60_000,
  cooldownMs: 30_000,
});

class Breaker {
  state: CircuitState = "closed";
  consecutiveFailures = 0;
  probeAt = 0;
  probing = false;
  // Outcomes in the window: time and whether it failed.
  readonly outcomes: Array<{ at: number; failed: boolean }> = [];

  readonly route: Pick<ModelRoute, "address" | "provider" | "model">;
  readonly settings: Resolved;
  readonly transition: (event: CircuitTransition) => void;

  constructor(route: Breaker["route"], settings: Resolved, transition: Breaker["transition"]) {
    this.route = route;
    this.settings = settings;
    this.transition = transition;
  }

  prune(now: number) {
    const since = now - this.settings.windowMs;
    let drop = 0;
    while (drop < this.outcomes.length && this.outcomes[drop]!.at < since) drop++;
    if (drop > 0) this.outcomes.splice(0, drop);
  }

  move(to: CircuitState, extra: { probeAt?: Date; reason?: string } = {}) {
    const from = this.state;
    this.state = to;
    this.transition({ route: this.route, from, to, ...extra });
  }

  open(now: number, reason: string) {
    this.probeAt = now + this.settings.cooldownMs;
    this.probing = false;
    this.move("open", { probeAt: new Date(this.probeAt), reason });
  }

  admit(now: number): Admission {
    if (this.state === "open") {
      if (now < this.probeAt) return { admitted: false, probeAt: new Date(this.probeAt) };
      this.move("half-open");
    }
    if (this.state === "half-open") {
      // One probe at a time; the others are refused until it is over.
      if (this.probing) return { admitted: false, probeAt: new Date(Math.max(now, this.probeAt)) };
      this.probing = true;
      return { admitted: true, probe: true };
    }
    return { admitted: true, probe: false };
  }

  record(outcome: Outcome, probe: boolean, now: number) {
    if (probe) this.probing = false;
    if (outcome === "neutral") return;
    const failed = outcome === "failure";
    if (this.state === "half-open") {
      if (!probe) return;
      if (failed) this.open(now, "the probe call failed");
      else {
        this.consecutiveFailures = 0;
        this.outcomes.length = 0;
        this.move("closed");
      }
      return;
    }
    if (this.state === "open") return;
    this.prune(now);
    this.outcomes.push({ at: now, failed });
    if (!failed) {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures++;
    const { failureThreshold, failureRate, minimumCalls } = this.settings;
    if (this.consecutiveFailures >= failureThreshold) {
      this.open(now, `${this.consecutiveFailures} consecutive failures`);
      return;
    }
    const failures = this.outcomes.filter((entry) => entry.failed).length;
    if (this.outcomes.length >= minimumCalls && failures / this.outcomes.length >= failureRate) {
      this.open(now, `${failures} of the last ${this.outcomes.length} calls failed`);
    }
  }

  snapshot(now: number): RouteCircuit {
    this.prune(now);
    return {
      ...this.route,
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      windowCalls: this.outcomes.length,
      windowFailures: this.outcomes.filter((entry) => entry.failed).length,
      probeAt: this.state === "open" ? new Date(this.probeAt) : undefined,
    };
  }
}

/** The breakers of one client, made on first use of each route. */
export class CircuitBreakers {
  readonly #breakers = new Map<string, Breaker>();
  readonly #settings: Resolved;
  readonly #transition: (event: CircuitTransition) => void;

  constructor(settings: CircuitBreakerOptions, transition: (event: CircuitTransition) => void) {
    this.#settings = { ...CIRCUIT_BREAKER_DEFAULTS, ...settings };
    this.#transition = transition;
  }

  #breaker(route: ModelRoute): Breaker {
    const key = `${route.address}\u0000${route.provider}\u0000${route.model ?? ""}`;
    let breaker = this.#breakers.get(key);
    if (breaker === undefined) {
      breaker = new Breaker({ address: route.address, provider: route.provider, model: route.model }, this.#settings, this.#transition);
      this.#breakers.set(key, breaker);
    }
    return breaker;
  }

  /** Asks the route's breaker whether an attempt may go. */
  admit(route: ModelRoute, now = Date.now()): Admission {
    return this.#breaker(route).admit(now);
  }

  /** Tells the route's breaker how an admitted attempt ended. */
  record(route: ModelRoute, outcome: Outcome, probe: boolean, now = Date.now()): void {
    this.#breaker(route).record(outcome, probe, now);
  }

  /** Every route's breaker seen so far. */
  states(now = Date.now()): RouteCircuit[] {
    return [...this.#breakers.values()].map((breaker) => breaker.snapshot(now));
  }
}

/** Checks breaker settings; throws a ConfigurationError naming the bad one. */
export function checkCircuitBreakerOptions(options: CircuitBreakerOptions): CircuitBreakerOptions {
  const rules: Record<keyof CircuitBreakerOptions, (value: number) => boolean> = {
    failureThreshold: (value) => Number.isInteger(value) && value >= 1,
    failureRate: (value) => value > 0 && value <= 1,
    minimumCalls: (value) => Number.isInteger(value) && value >= 1,
    windowMs: (value) => Number.isFinite(value) && value > 0,
    cooldownMs: (value) => Number.isFinite(value) && value > 0,
  };
  for (const [key, value] of Object.entries(options)) {
    const rule = rules[key as keyof CircuitBreakerOptions];
    if (rule === undefined) throw new ConfigurationError(`Option circuitBreaker.${key}: unknown setting`);
    if (typeof value !== "number" || !rule(value)) {
      throw new ConfigurationError(`Option circuitBreaker.${key}: invalid value ${JSON.stringify(value)}`);
    }
  }
  return options;
}
