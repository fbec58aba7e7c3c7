// 10,000 sequential calls through one client leave the heap where it was:
// measured in a child process started with --expose-gc (so full collections
// can be forced), against a server in this process.
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { startModelServer } from "tamar-model-client/server";
import { runTypeScript } from "../helpers/cli-process.js";
import { SECRET } from "../helpers/tokens.js";
import { report } from "./helpers/report.js";

const PROBE = fileURLToPath(new URL("./fixtures/heap-probe.ts", import.meta.url));

/**
 * Warm-up calls before the baseline. The heap keeps growing for the first few
 * thousand calls while V8 and grpc-js fill their caches (+0.3 to +0.7 MiB over
 * calls 1,000–10,000 here, then flat up to 50,000); after 5,000 it stays
 * within ±0.4 MiB.
 */
const WARM_UP = 5_000;
const CALLS = 10_000;
/**
 * Allowed growth after CALLS calls, bytes: 1 MiB, about 105 bytes a call,
 * over twice the noise after warm-up. A call the client fails to release
 * keeps its AbortController, the listeners linking it to the caller's and the
 * deadline's signals and what they close over: about 760 bytes a call
 * (measured by not removing calls from the client's in-flight set: +7.3 MiB
 * after 10,000 calls). What slips under it: a leak of under ~100 bytes a call,
 * such as a bare request-id string kept in a map (~75 bytes).
 */
const MAX_GROWTH_BYTES = 1024 * 1024;

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

describe("memory", () => {
  it(`${CALLS.toLocaleString("en")} sequential calls (a fifth of them streams) grow the heap by less than ${mib(MAX_GROWTH_BYTES)} MiB`, { timeout: 180_000 }, async () => {
    const server = await startModelServer({ host: "127.0.0.1", port: 0, jwtSecretKey: SECRET, offline: true, offlineChunkDelayMs: 0, env: {} });
    onTestFinished(() => server.close({ graceMs: 0 }));
    const probe = runTypeScript(PROBE, [server.address, SECRET, String(WARM_UP), String(CALLS), "4"], { nodeArgs: ["--expose-gc"] });
    const code = await probe.exited;
    expect(code, probe.stderr.join("\n")).toBe(0);
    const { baseline, points, elapsedMs } = JSON.parse(probe.stdout.at(-1) ?? "") as { baseline: number; points: number[]; elapsedMs: number };
    const growth = points.at(-1)! - baseline;
    report("heap", {
      calls: CALLS,
      warmUp: WARM_UP,
      baselineMiB: mib(baseline),
      samplesMiB: points.map(mib).join("/"),
      growthMiB: mib(growth),
      boundMiB: mib(MAX_GROWTH_BYTES),
      msPerCall: (elapsedMs / CALLS).toFixed(2),
    });
    expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
  });
});
