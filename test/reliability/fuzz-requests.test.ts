// Property-based fuzzing of the request schemas with fast-check: 10,000
// generated requests (single calls and batches), valid and invalid.
// - Every valid one is accepted and reaches the server exactly as given
//   (nothing dropped or changed, beyond the documented wire forms).
// - Every invalid one ends in a ValidationError naming the offending path —
//   never a TypeError or anything else — and never opens a connection: its
//   server sees no call and its channel stays IDLE.
// The seed is fixed (reproducible) and printed; FUZZ_SEED and FUZZ_RUNS override.
import { connectivityState } from "@grpc/grpc-js";
import fc from "fast-check";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BatchItem,
  type BatchRequest,
  createModelClient,
  type InvokeRequest,
  invoke,
  invokeBatch,
  type ModelClient,
  type RequestPairName,
  RequestPairs,
  ValidationError,
} from "tamar-model-client";
import { findPair as findRequestPair } from "../../src/routes/find-pair.js";
import type { ModelRequest, ModelRequestItem } from "../../src/gen/model_service/model_service.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/scripted-server.js";
import { report } from "./helpers/report.js";
import {
  anyValidRequest,
  freeFormPath,
  HOSTILE_VALUES,
  isOptional,
  jsonValue,
  nested,
  objectAt,
  pairNamesOf,
  type Request,
  schemaOf,
  unknownKey,
  validRequest,
} from "./helpers/request-arbitraries.js";

const SEED = Number(process.env["FUZZ_SEED"] ?? 20_261_124);
const TOTAL_RUNS = Number(process.env["FUZZ_RUNS"] ?? 10_000);
// Shares of the runs: valid single calls, invalid single calls, batches (half valid, half not).
const RUNS = { valid: Math.round(TOTAL_RUNS * 0.3), invalid: Math.round(TOTAL_RUNS * 0.5), batch: Math.round(TOTAL_RUNS * 0.2) };

const PROVIDERS = ["openai", "azure", "google", "anthropic"];
const ALL_INVOKE_TYPES = [...new Set(Object.values(RequestPairs).flatMap((pair) => pair.invokeTypes as readonly string[]))];
const ROUTING_KEYS = new Set(["provider", "invokeType", "channel", "stream", "userContext", "customId", "priority", "enableAsyncTask", "callbackUrl"]);
const userContext = fc.record({
  orgId: fc.string({ minLength: 1, maxLength: 8 }),
  userId: fc.string({ minLength: 1, maxLength: 8 }),
  clientType: fc.string({ minLength: 1, maxLength: 8 }),
});

const isPlainObject = (value: unknown): value is Request =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** A value as the wire carries it: bytes in the `"bytes:<base64>"` form, everything else as given. */
function wireForm(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString("base64")}`;
  if (Array.isArray(value)) return value.map(wireForm);
  if (isPlainObject(value)) {
    const out: Request = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = wireForm(item);
    return out;
  }
  return value;
}

// The documented Python rule for optional top-level parameters: null, blank
// text, empty lists and empty plain objects mean "not set" and are not sent.
// Required ones are always sent as given.
const isBlank = (value: unknown) =>
  value === null ||
  (typeof value === "string" && value.trim() === "") ||
  (Array.isArray(value) && value.length === 0) ||
  (isPlainObject(value) && Object.keys(value).length === 0);

/** The `extra` Struct the server must receive for a valid request. */
function expectedExtra(pair: RequestPairName, request: Request, item: boolean): Request {
  const entries = schemaOf(pair, item).entries!;
  const extra: Request = {};
  for (const [key, value] of Object.entries(request)) {
    if (ROUTING_KEYS.has(key) || value === undefined) continue;
    if (isOptional(entries[key]!) && isBlank(value)) continue;
    extra[key] = wireForm(value);
  }
  if (request["enableAsyncTask"] === true) {
    extra["enable_async_task"] = true;
    if (request["callbackUrl"] !== undefined) extra["callback_url"] = request["callbackUrl"];
  }
  return extra;
}

interface Broken {
  kind: string;
  pair: RequestPairName | "none";
  request: unknown;
  /** Paths one of which the ValidationError must name (itself or something inside it). */
  paths: string[];
}

/** Places `value` at `key` as an own property, even for `__proto__`. */
function put(target: Request, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Ways to break a valid request of `pair`, each with the path that must be reported. */
function brokenRequest(item: boolean): fc.Arbitrary<Broken> {
  const base = fc.constantFrom(...pairNamesOf(item)).chain((pair) => validRequest(pair, item).map((request) => ({ pair, request })));
  const missingField = base.chain(({ pair, request }) => {
    const required = Object.entries(schemaOf(pair, item).entries!).filter(([, schema]) => !isOptional(schema)).map(([key]) => key);
    return fc.constantFrom(...required).map((key): Broken => {
      const { [key]: _removed, ...rest } = request;
      // With the invoke type named, a missing field cannot turn the request into another pair.
      rest["invokeType"] ??= RequestPairs[pair].invokeTypes[0];
      return { kind: "missing field", pair, request: rest, paths: [key] };
    });
  });
  const wrongType = base.chain(({ pair, request }) =>
    fc.tuple(fc.constantFrom(...Object.keys(request)), fc.oneof(jsonValue(1), fc.string(), fc.integer(), fc.boolean())).map(([key, value]): Broken | undefined => {
      const schema = schemaOf(pair, item).entries![key];
      if (schema && v.safeParse(schema, value).success) return undefined; // still valid: not this case
      return { kind: "wrong type", pair, request: { ...request, [key]: value }, paths: [key] };
    }),
  ).filter((broken): broken is Broken => broken !== undefined);
  const unknown = base.chain(({ pair, request }) =>
    fc.tuple(unknownKey(schemaOf(pair, item).entries!), jsonValue(1)).map(([key, value]): Broken => {
      const copy = { ...request };
      put(copy, key, value);
      return { kind: `unknown key${key.length > 0 && key in {} ? " (inherited name)" : ""}`, pair, request: copy, paths: [key] };
    }),
  );
  const hostile = base.chain(({ pair, request }) =>
    fc.tuple(fc.constantFrom(...HOSTILE_VALUES), fc.string({ minLength: 1, maxLength: 6 }).filter((key) => key !== "__proto__")).map(([bad, key]): Broken => {
      const copy = structuredClone(request) as Request;
      const place = freeFormPath(pair);
      if (place) {
        put(objectAt(copy, place), key, bad.make());
        return { kind: `hostile: ${bad.kind}`, pair, request: copy, paths: [[...place, key].join(".")] };
      }
      // No free-form field (Vertex AI Imagen): the value replaces a typed one.
      copy["prompt"] = bad.make();
      return { kind: `hostile: ${bad.kind}`, pair, request: copy, paths: ["prompt"] };
    }),
  );
  const notARequest = fc
    .oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer()), fc.constant(1n), fc.constant(Symbol("x")), fc.constant(() => ({})))
    .map((request): Broken => ({ kind: "not a request", pair: "none", request, paths: [""] }));
  const badUserContext = base.chain(({ pair, request }) =>
      fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.record({ orgId: fc.constant(""), userId: fc.constant("u"), clientType: fc.constant("c") }), fc.record({ orgId: fc.constant("o"), userId: fc.constant("u") })).map((bad): Broken => ({
        kind: "bad userContext",
        pair,
        request: { ...request, userContext: bad },
        paths: ["userContext"],
      })),
    );
  const badRoute = base.chain(({ pair, request }) =>
    fc
      .tuple(fc.constantFrom("provider", "invokeType"), fc.oneof(fc.string(), fc.constantFrom(...ALL_INVOKE_TYPES, "openai", "google")))
      .filter(([key, value]) =>
        key === "provider" ? !PROVIDERS.includes(value) : findRequestPair(request["provider"], value) === undefined,
      )
      .map(([key, value]): Broken => ({ kind: `bad ${key}`, pair, request: { ...request, [key]: value }, paths: [key] })),
  );
  // Batch items have no userContext of their own.
  return item
    ? fc.oneof(missingField, wrongType, unknown, hostile, notARequest, badRoute)
    : fc.oneof(missingField, wrongType, unknown, hostile, notARequest, badUserContext, badRoute);
}

/** Refusals that were not a ValidationError (a TypeError, a transport error, …): must stay 0. */
let otherErrors = 0;

const describeValue = (value: unknown) => (value instanceof Error ? `${value.name}: ${value.message}` : `${typeof value} ${String(value)}`);

/** Runs `call`, which must fail with a ValidationError naming one of `paths` (or a place inside it). */
async function expectRefused(call: () => Promise<unknown>, paths: readonly string[], kind: string): Promise<void> {
  let error: unknown;
  try {
    await call();
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof ValidationError)) {
    if (error !== undefined) otherErrors++;
    throw new Error(`${kind}: expected a ValidationError, got ${error === undefined ? "success" : describeValue(error)}`);
  }
  const { issues } = error;
  if (issues.length === 0 || issues.some((issue) => typeof issue.path !== "string" || !issue.message)) {
    throw new Error(`${kind}: a ValidationError without usable issues: ${JSON.stringify(issues)}`);
  }
  const named = paths.some((path) => issues.some((issue) => issue.path === path || (path !== "" && issue.path.startsWith(`${path}.`))));
  if (!named) throw new Error(`${kind}: no issue at ${JSON.stringify(paths)}; issues: ${JSON.stringify(issues)}`);
}

interface Peer {
  server: ScriptedServer;
  client: ModelClient;
}

async function startPeer(): Promise<Peer> {
  const server = await startScriptedServer();
  const client = createModelClient({ address: server.address, useTls: false, env: {}, envFile: false, maxRetries: 0 });
  return { server, client };
}

const kinds = new Map<string, number>();
const tally = (kind: string) => kinds.set(kind, (kinds.get(kind) ?? 0) + 1);

describe("fuzzed requests", () => {
  // Valid requests go to one server; invalid ones to another, which must never see a call.
  let accepting: Peer;
  let refusing: Peer;
  beforeAll(async () => {
    accepting = await startPeer();
    refusing = await startPeer();
    // Asynchronous requests (video generation) are answered with the task they created.
    const answerWhole = accepting.server.invoke;
    accepting.server.invoke = (request, context) =>
      request.extra?.["enable_async_task"] === true ? (async function* () { yield { rawResponse: '{"task_id":"fuzz-task"}' }; })() : answerWhole(request, context);
    report("fuzz seed", { seed: SEED, runs: TOTAL_RUNS, reproduce: `FUZZ_SEED=${SEED} FUZZ_RUNS=${TOTAL_RUNS} npx vitest run test/reliability/fuzz-requests.test.ts` });
  });
  afterAll(async () => {
    for (const peer of [accepting, refusing]) {
      await peer.client.close();
      await peer.server.close();
    }
    const sum = (match: (kind: string) => boolean) => [...kinds].reduce((total, [kind, n]) => total + (match(kind) ? n : 0), 0);
    report("fuzz", {
      seed: SEED,
      requests: RUNS.valid + RUNS.invalid + RUNS.batch,
      validCalls: sum((kind) => kind.startsWith("valid ") && kind !== "valid batch"),
      refusedCalls: sum((kind) => !kind.startsWith("valid") && !kind.startsWith("batch")),
      validBatches: sum((kind) => kind === "valid batch"),
      refusedBatches: sum((kind) => kind.startsWith("batch item")),
      hostileKinds: new Set([...kinds.keys()].filter((kind) => kind.includes("hostile")).map((kind) => kind.replace("batch item ", ""))).size,
      otherErrors,
      callsReachingRefusingServer: refusing.server.calls.length,
    });
  });

  it(`accepts ${RUNS.valid.toLocaleString("en")} valid single calls and sends each exactly as given`, { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(anyValidRequest(), async ({ pair, request }) => {
        tally(`valid ${pair}`);
        const before = accepting.server.calls.length;
        await invoke(accepting.client, request as unknown as InvokeRequest);
        const received = accepting.server.calls[before]!.request as ModelRequestItem;
        const user = request["userContext"] as { orgId: string; userId: string; clientType: string };
        expect(received.extra).toEqual(expectedExtra(pair, request, false));
        expect(received).toMatchObject({
          provider: request["provider"],
          channel: request["channel"] ?? "normal",
          stream: false,
          orgId: user.orgId,
          userId: user.userId,
          clientType: user.clientType,
        });
        if (request["invokeType"] !== undefined) expect(received.invokeType).toBe(request["invokeType"]);
      }),
      { seed: SEED, numRuns: RUNS.valid },
    );
  });

  it(`refuses ${RUNS.invalid.toLocaleString("en")} broken single calls with a ValidationError naming the path, without connecting`, { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(brokenRequest(false), async (broken) => {
        tally(broken.kind);
        const calls = refusing.server.calls.length;
        await expectRefused(() => invoke(refusing.client, broken.request as InvokeRequest), broken.paths, broken.kind);
        expect(refusing.server.calls.slice(calls), broken.kind).toEqual([]);
      }),
      { seed: SEED + 1, numRuns: RUNS.invalid },
    );
    expect(refusing.server.calls).toHaveLength(0);
    expect(refusing.client.channel.getConnectivityState(false)).toBe(connectivityState.IDLE);
  });

  it("huge values are accepted and arrive intact: a 2 MiB prompt, 2,000 messages, a 64 KiB key, emoji and NUL text", async () => {
    const prompt = "🦊 fox\u0000".repeat(256 * 1024); // 2.25 MiB of UTF-8 (the test server takes up to 4 MiB)
    const messages = Array.from({ length: 2_000 }, (_, index) => ({ role: index % 2 ? "assistant" : "user", content: `turn ${index}` }));
    const request = {
      provider: "openai",
      model: "m",
      messages: [...messages, { role: "user", content: prompt }],
      extra_body: { ["k".repeat(64 * 1024)]: "v".repeat(64 * 1024) },
      userContext: { orgId: "o", userId: "u", clientType: "c" },
    } as InvokeRequest;
    const before = accepting.server.calls.length;
    await invoke(accepting.client, request);
    const received = (accepting.server.calls[before]!.request as ModelRequestItem).extra!;
    expect(received["messages"]).toHaveLength(2_001);
    expect((received["messages"] as Array<{ content: string }>).at(-1)!.content).toBe(prompt);
    expect(received["extra_body"]).toEqual(request["extra_body" as keyof InvokeRequest]);
  });

  it("nesting: the deepest objects and lists a Struct can carry are accepted and decoded by the server in a batch; one level more is refused", async () => {
    const item = { customId: "deep", provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }] } as const;
    // extra_body and 31 objects inside it; a list under it with 45 lists inside it (see to-struct-value.ts).
    for (const [extraBody, tooDeep] of [
      [nested(31, "object"), nested(32, "object")],
      [{ list: nested(45, "array") }, { list: nested(46, "array") }],
    ] as const) {
      const before = accepting.server.calls.length;
      await invokeBatch(accepting.client, { userContext: { orgId: "o", userId: "u", clientType: "c" }, items: [{ ...item, extra_body: extraBody } as BatchItem] });
      expect((accepting.server.calls[before]!.request as ModelRequest).items[0]!.extra).toEqual({ model: "m", messages: item.messages, extra_body: extraBody });
      await expectRefused(() => invoke(refusing.client, { ...item, customId: undefined, extra_body: tooDeep, userContext: { orgId: "o", userId: "u", clientType: "c" } } as InvokeRequest), ["extra_body"], "one level too deep");
    }
  });

  it(`batches (${RUNS.batch.toLocaleString("en")}): valid ones reach the server item by item as given, one broken item refuses the batch naming items.<index>`, { timeout: 240_000 }, async () => {
    const batch = fc.record({
      items: fc.array(anyValidRequest(true), { maxLength: 4 }),
      broken: fc.option(brokenRequest(true), { nil: undefined, freq: 2 }),
      at: fc.nat(),
      userContext,
    });
    await fc.assert(
      fc.asyncProperty(batch, async ({ items, broken, at, userContext: user }) => {
        const given = new Set<unknown>();
        const requests = items.map(({ request }) => {
          // Duplicate custom ids are an error of their own: keep them unique here.
          const { customId, ...rest } = request;
          if (customId === undefined || given.has(customId)) return rest;
          given.add(customId);
          return { ...rest, customId };
        });
        if (broken) {
          tally(`batch item ${broken.kind}`);
          const index = at % (requests.length + 1);
          requests.splice(index, 0, broken.request as Request);
          const paths = broken.paths.map((path) => (path === "" ? `items.${index}` : `items.${index}.${path}`));
          const calls = refusing.server.calls.length;
          await expectRefused(() => invokeBatch(refusing.client, { userContext: user, items: requests as BatchItem[] }), paths, `batch item ${broken.kind}`);
          expect(refusing.server.calls.slice(calls), broken.kind).toEqual([]);
          return;
        }
        tally("valid batch");
        const before = accepting.server.calls.length;
        const answer = await invokeBatch(accepting.client, { userContext: user, items: requests as BatchItem[] } as BatchRequest);
        const received = (accepting.server.calls[before]!.request as ModelRequest).items;
        expect(received).toHaveLength(requests.length);
        requests.forEach((request, index) => {
          expect(received[index]!.extra).toEqual(expectedExtra(items[index]!.pair, request, true));
          expect(received[index]!.customId).toBe(answer.responses[index]!.customId);
          expect(received[index]).toMatchObject({ orgId: user.orgId, userId: user.userId, clientType: user.clientType });
        });
      }),
      { seed: SEED + 2, numRuns: RUNS.batch },
    );
    expect(refusing.server.calls).toHaveLength(0);
    expect(refusing.client.channel.getConnectivityState(false)).toBe(connectivityState.IDLE);
  });
});
