// Load balancing over three reference-server processes on loopback: at least 2,000
// calls at concurrency 32 (half unary, half streams), one replica killed
// (SIGKILL) and started again on its port during the run. Every live replica
// serves its share, no call fails that the retry budget could have saved, no
// stream repeats a chunk, and the restarted replica gets calls again within
// the documented reconnect time. The servers also churn their connections
// (max connection age) throughout, with a grace longer than any stream.
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  createModelClient,
  invoke,
  invokeStream,
  type InvokeRequest,
  StreamInterruptedError,
} from "tamar-model-client";
import { SECRET, TENANT } from "../helpers/tokens.js";
import { userContextFor } from "../helpers/user-context.js";
import { report } from "../reliability/helpers/report.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

const CALLS = 2_000;
const CONCURRENCY = 32;
const WORDS = 8;
/** The client's reconnect backoff cap, the documented bound for a replica that comes back. */
const MAX_RECONNECT_BACKOFF_MS = 5_000;
/** Calls started per second: slow enough that the restart happens mid-run, fast enough for a modest run time. */
const CALLS_PER_SECOND = 160;
const KILL_AT = 500;
/**
 * Calls that must start after the restarted replica is back, however long
 * its restart took on a loaded machine: the run goes on past CALLS until
 * there are this many, so its share is measured over enough calls.
 */
const MIN_CALLS_AFTER_RESTART = 400;
/** The run stops here whatever happened, so a replica that never comes back fails the share checks, not the timeout. */
const MAX_RUN_MS = 120_000;

const userContext = userContextFor("load-balancing");
const request = (index: number): InvokeRequest => ({
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: `lb ${index}` }],
  max_tokens: WORDS,
  userContext,
});

const replicaArgs = ["--offline", "--offline-chunk-delay-ms", "2", "--max-connection-age-ms", "3000", "--max-connection-age-grace-ms", "60000"];
const startReplica = (port = 0) => startServerProcess({ port, args: replicaArgs, logLevel: "info" });

/** Request ids each replica logged as answered (OK). */
function servedIds(replica: ServerProcess): string[] {
  return replica.cli.stderr
    .filter((line) => line.includes('"msg":"call"') && line.includes('"status":"OK"'))
    .map((line) => (JSON.parse(line) as { request_id: string }).request_id);
}

describe("load balancing over replicas", () => {
  it("an address list: round robin over three processes, one killed and restarted mid-run", { timeout: 180_000 }, async () => {
    const replicas = await Promise.all([startReplica(), startReplica(), startReplica()]);
    const [a, b, c] = replicas as [ServerProcess, ServerProcess, ServerProcess];
    const generations: ServerProcess[] = [...replicas];
    const client = createModelClient({
      address: replicas.map((replica) => replica.address),
      jwtSecretKey: SECRET,
      useTls: false,
      env: {},
      envFile: false,
      retryDelayMs: 50,
      maxReconnectBackoffMs: MAX_RECONNECT_BACKOFF_MS,
    });
    expect(client.settings.address).toBe(`ipv4:${replicas.map((replica) => replica.address).join(",")}`);
    expect(client.settings.loadBalancing).toBe("round_robin");

    // Which phase each call started in: 1 all up, 2 b down, 3 b back.
    const phaseOf = new Map<string, 1 | 2 | 3>();
    let phase: 1 | 2 | 3 = 1;
    let firstBackMs = Number.POSITIVE_INFINITY;
    let restarted: ServerProcess | undefined;
    const failures: string[] = [];
    let interrupted = 0;
    let duplicated = 0;
    let next = 0;
    let restarting: Promise<void> | undefined;
    let started = performance.now();

    async function killAndRestart() {
      b.cli.child.kill("SIGKILL");
      await b.cli.exited;
      phase = 2;
      restarted = await startReplica(b.port);
      generations.push(restarted);
      const listeningAt = Date.now();
      // Phase 3 from the restarted replica's first answered call on.
      void restarted.cli.line(/"msg":"call"/, "stderr").then((line) => {
        phase = 3;
        firstBackMs = Date.parse((JSON.parse(line) as { time: string }).time) - listeningAt;
      }, () => undefined);
    }

    async function one(index: number) {
      const requestId = `lb-${index}`;
      phaseOf.set(requestId, phase);
      const options = { requestId, timeoutMs: 30_000 };
      try {
        if (index % 2 === 0) {
          const answer = await invoke(client, request(index), options);
          if (answer.content?.split(" ").length !== WORDS) failures.push(`${requestId}: incomplete answer`);
        } else {
          const words: string[] = [];
          for await (const chunk of invokeStream(client, request(index), options)) if (chunk.content) words.push(chunk.content.trim());
          // One word per chunk, each exactly once, in order.
          if (words.length !== WORDS) duplicated += words.length > WORDS ? 1 : 0;
          if (words.length !== WORDS) failures.push(`${requestId}: ${words.length} words`);
        }
      } catch (error) {
        // A stream cut after it delivered content cannot be retried (it would repeat text): the only failure allowed.
        if (error instanceof StreamInterruptedError && error.chunksReceived > 0) interrupted++;
        else failures.push(`${requestId}: ${(error as Error).name}: ${(error as Error).message}`);
      }
    }

    let callsAfterRestart = 0;
    const more = () =>
      (next < CALLS || callsAfterRestart < MIN_CALLS_AFTER_RESTART) && performance.now() - started < MAX_RUN_MS;
    async function worker() {
      while (more()) {
        const index = next++;
        if (index === KILL_AT) restarting = killAndRestart();
        if (phase === 3) callsAfterRestart++;
        // Pace the starts (load shaping, not synchronisation).
        const due = started + (index * 1000) / CALLS_PER_SECOND - performance.now();
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
        await one(index);
      }
    }

    // Connect to every replica before the run: the first calls would otherwise all go to whichever connected first.
    await Promise.all(Array.from({ length: 3 * CONCURRENCY }, (_, index) => invoke(client, request(index), { requestId: `warm-${index}` })));
    started = performance.now();
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await restarting;
    } finally {
      await client.close();
    }
    const seconds = (performance.now() - started) / 1000;

    const servedBy = new Map<string, string>();
    for (const [name, replica] of [["a", a], ["b", b], ["c", c], ["b'", restarted!]] as const) {
      for (const id of servedIds(replica)) servedBy.set(id, name.replace("'", ""));
    }
    const share = (which: 1 | 2 | 3, name: string) => {
      const ids = [...phaseOf].filter(([, p]) => p === which).map(([id]) => id);
      return ids.filter((id) => servedBy.get(id) === name).length / Math.max(1, ids.length);
    };
    const calls = next;
    const whole = (name: string) => [...servedBy].filter(([id, served]) => id.startsWith("lb-") && served === name).length / calls;
    const pct = (value: number) => `${Math.round(value * 100)}%`;
    report("replicas", {
      calls,
      callsAfterRestart,
      concurrency: CONCURRENCY,
      replicas: 3,
      failedBeyondRetries: failures.length,
      interruptedAfterContent: interrupted,
      duplicatedChunks: duplicated,
      shareWhole: ["a", "b", "c"].map((name) => pct(whole(name))).join("/"),
      sharePhase1: ["a", "b", "c"].map((name) => pct(share(1, name))).join("/"),
      sharePhase2: ["a", "b", "c"].map((name) => pct(share(2, name))).join("/"),
      sharePhase3: ["a", "b", "c"].map((name) => pct(share(3, name))).join("/"),
      restartedReplicaFirstCallMs: Math.round(firstBackMs),
      seconds: seconds.toFixed(1),
    });

    expect(failures).toEqual([]);
    expect(duplicated).toBe(0);
    // At most the streams in flight on the killed replica.
    expect(interrupted).toBeLessThanOrEqual(CONCURRENCY);
    for (const name of ["a", "b", "c"]) expect(share(1, name)).toBeGreaterThanOrEqual(0.2);
    for (const name of ["a", "c"]) expect(share(2, name)).toBeGreaterThanOrEqual(0.2);
    for (const name of ["a", "b", "c"]) expect(share(3, name)).toBeGreaterThanOrEqual(0.2);
    expect(firstBackMs).toBeLessThanOrEqual(MAX_RECONNECT_BACKOFF_MS + 2_000);
    for (const replica of generations) expect(replica.cli.stderr.join("\n")).not.toContain('"status":"INTERNAL"');
  });

  it("an address list of host names is refused with the dns:/// alternative; dns:/// and lists balance, one host:port does not", () => {
    const base = { useTls: false, env: {}, envFile: false } as const;
    expect(() => createModelClient({ ...base, address: ["models-0.internal:50051", "models-1.internal:50051"] })).toThrow(ConfigurationError);
    expect(() => createModelClient({ ...base, address: ["models-0.internal:50051", "models-1.internal:50051"] })).toThrow(/dns:\/\/\//);
    expect(() => createModelClient({ ...base, address: [] })).toThrow(/at least one/);
    expect(createModelClient({ ...base, address: "dns:///models.internal:50051" }).settings.loadBalancing).toBe("round_robin");
    expect(createModelClient({ ...base, address: "127.0.0.1:1,127.0.0.1:2" }).settings.address).toBe("ipv4:127.0.0.1:1,127.0.0.1:2");
    expect(createModelClient({ ...base, address: ["[::1]:1", "[::1]:2"] }).settings.address).toBe("ipv6:[::1]:1,[::1]:2");
    expect(createModelClient({ ...base, address: "127.0.0.1:1" }).settings.loadBalancing).toBeUndefined();
    expect(createModelClient({ ...base, address: ["127.0.0.1:1", "127.0.0.1:2"], loadBalancing: "pick_first" }).settings.loadBalancing).toBe("pick_first");
    expect(() => createModelClient({ ...base, address: "dns:///m:1", loadBalancing: "random" as never })).toThrow(/loadBalancing/);
    expect(createModelClient({ ...base, env: { MODEL_MANAGER_SERVER_ADDRESS: "10.0.0.1:50051, 10.0.0.2:50051" } }).settings.address).toBe(
      "ipv4:10.0.0.1:50051,10.0.0.2:50051",
    );
  });
});
