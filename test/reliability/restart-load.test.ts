// Load across server restarts: 2,000 requests at concurrency 32 while the
// server process (the CLI, offline provider, the same port each time) is
// restarted three times. Every request must end — succeeded, or failed with a
// typed retryable error — within its deadline; none may fail untyped. The
// restarts are driven by answered requests, not by timers.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  createModelClient,
  type InvokeRequest,
  invoke,
  invokeBatch,
  invokeStream,
  type ModelClient,
  TamarModelError,
} from "tamar-model-client";
import { type CliProcess, runCli } from "../helpers/cli-process.js";
import { SECRET } from "../helpers/tokens.js";
import { report } from "./helpers/report.js";
import { attemptCounter, userContext } from "./helpers/stack.js";

const REQUESTS = 2_000;
const CONCURRENCY = 32;
const RESTARTS = 3;
/** Requests the server answers after coming (back) up before the next restart. */
const ANSWERS_BETWEEN_RESTARTS = 400;
/** Deadline of every request; the client's default retry settings (3 retries, 1 s base backoff) apply. */
const TIMEOUT_MS = 30_000;
/** A request still pending this long after its deadline has hung. */
const HANG_GRACE_MS = 2_000;
const WORDS = 6;

const LISTENING = /listening on 127\.0\.0\.1:(\d+)/;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts the CLI on `port` and resolves once it says it is listening. */
async function startServer(port: number): Promise<CliProcess> {
  const cli = runCli(["--host", "127.0.0.1", "--port", String(port), "--offline", "--offline-chunk-delay-ms", "0"], {
    env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET },
  });
  const line = await cli.line(LISTENING);
  expect(LISTENING.exec(line)?.[1]).toBe(String(port));
  return cli;
}

type Outcome = "ok" | "retried-ok" | "failed-typed" | "failed-other" | "hung";

const request = (index: number): InvokeRequest => ({
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: `load request ${index}` }],
  max_tokens: WORDS,
  userContext,
});

/** Runs request `index` (6 in 10 unary, 3 streams read to the end, 1 batch of two) and checks its answer is whole. */
async function runOne(client: ModelClient, index: number, requestId: string): Promise<void> {
  const options = { requestId, timeoutMs: TIMEOUT_MS };
  const kind = index % 10;
  if (kind < 6) {
    const answer = await invoke(client, request(index), options);
    if (answer.content?.split(" ").length !== WORDS) throw new Error(`incomplete answer: ${answer.content}`);
  } else if (kind < 9) {
    const chunks: string[] = [];
    let usage: unknown;
    for await (const chunk of invokeStream(client, request(index), options)) {
      chunks.push(chunk.content ?? "");
      usage ??= chunk.usage;
    }
    // One chunk per word and a final one with usage: a repeated or lost chunk shows here.
    if (chunks.length !== WORDS + 1 || usage === undefined) throw new Error(`incomplete stream: ${chunks.length} chunks`);
  } else {
    const { userContext: _, ...item } = request(index);
    const batch = await invokeBatch(client, { userContext, items: [{ ...item, customId: "a" }, { ...item, customId: "b" }] }, options);
    if (batch.responses.some((answer) => answer.error !== undefined)) throw new Error("a batch item failed");
  }
}

describe("load across server restarts", () => {
  it(
    `${REQUESTS} requests at concurrency ${CONCURRENCY} while the server process restarts ${RESTARTS} times: each ends typed, none hangs`,
    { timeout: 300_000 },
    async () => {
      const port = await freePort();
      const generations: CliProcess[] = [await startServer(port)];
      const { attempts, middleware } = attemptCounter();
      const client = createModelClient({
        address: `127.0.0.1:${port}`,
        jwtSecretKey: SECRET,
        useTls: false,
        env: {},
        envFile: false,
        middlewares: [middleware],
      });
      const outcomes = new Map<Outcome, number>();
      const failures: string[] = [];
      const downtimesMs: number[] = [];
      const reconnectMs: number[] = [];
      let next = 0;
      let answeredSinceUp = 0;
      let upAt = performance.now();
      let restarting: Promise<void> | undefined;

      async function restart(): Promise<void> {
        const old = generations.at(-1)!;
        const stopped = performance.now();
        old.child.kill("SIGTERM");
        expect(await old.exited).toBe(0); // drained its calls in flight, then exited
        generations.push(await startServer(port));
        upAt = performance.now();
        downtimesMs.push(upAt - stopped);
        answeredSinceUp = 0;
      }

      // The restart choreography: events (requests answered by the current
      // server process), not timers.
      function onEnded(outcome: Outcome): void {
        if (restarting !== undefined || (outcome !== "ok" && outcome !== "retried-ok")) return;
        if (++answeredSinceUp === 1 && generations.length > 1 && reconnectMs.length < downtimesMs.length) {
          reconnectMs.push(performance.now() - upAt); // the client is back: first answer since the restart
        }
        if (answeredSinceUp >= ANSWERS_BETWEEN_RESTARTS && downtimesMs.length < RESTARTS) {
          restarting = restart().finally(() => (restarting = undefined));
        }
      }

      async function worker(): Promise<void> {
        while (next < REQUESTS) {
          const index = next++;
          const requestId = `load-${index}`;
          let watchdog: NodeJS.Timeout | undefined;
          const hung = new Promise<"hung">((resolve) => (watchdog = setTimeout(() => resolve("hung"), TIMEOUT_MS + HANG_GRACE_MS)));
          const ended = runOne(client, index, requestId).then(
            (): Outcome => ((attempts.get(requestId) ?? 0) > 1 ? "retried-ok" : "ok"),
            (error: unknown): Outcome => {
              if (error instanceof TamarModelError && error.retryable) return "failed-typed";
              failures.push(`${requestId}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
              return "failed-other";
            },
          );
          const outcome = await Promise.race([ended, hung]);
          clearTimeout(watchdog);
          if (outcome === "hung") failures.push(`${requestId}: still pending ${HANG_GRACE_MS} ms after its deadline`);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          onEnded(outcome);
        }
      }

      const started = performance.now();
      try {
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        await restarting;
      } finally {
        await client.close();
        const last = generations.at(-1)!;
        last.child.kill("SIGTERM");
        await last.exited;
      }
      const count = (outcome: Outcome) => outcomes.get(outcome) ?? 0;
      const retries = [...attempts.values()].reduce((sum, each) => sum + each - 1, 0);
      // Each server process logged the calls it answered: every one of them served some.
      const served = generations.map(
        (cli) => cli.stderr.filter((line) => line.includes('"msg":"call"') && line.includes('"status":"OK"')).length,
      );
      report("restarts", {
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        restarts: downtimesMs.length,
        ok: count("ok"),
        "retried-ok": count("retried-ok"),
        "failed-typed": count("failed-typed"),
        hung: count("hung"),
        "failed-untyped": count("failed-other"),
        retries,
        servedPerProcess: served.join("/"),
        serverDowntimeMs: downtimesMs.map((ms) => Math.round(ms)).join("/"),
        clientBackAfterMs: reconnectMs.map((ms) => Math.round(ms)).join("/"),
        seconds: ((performance.now() - started) / 1000).toFixed(1),
      });
      expect(failures).toEqual([]);
      expect(downtimesMs).toHaveLength(RESTARTS);
      expect(count("ok") + count("retried-ok") + count("failed-typed")).toBe(REQUESTS);
      expect(count("retried-ok")).toBeGreaterThan(0); // the restarts were felt, and ridden out
      expect(served.every((calls) => calls > 0)).toBe(true);
      const logs = generations.flatMap((cli) => [...cli.stdout, ...cli.stderr]).join("\n");
      expect(logs).not.toContain('"status":"INTERNAL"');
      expect(logs).not.toContain(SECRET);
    },
  );

  it("a SIGTERM sent the moment the CLI says it is listening still shuts it down gracefully (exit 0)", async () => {
    // Six at once, so that the machine is busy and a late signal handler would show.
    const codes = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const cli = runCli(["--port", "0", "--offline"], { env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET } });
        cli.child.stdout!.once("data", () => cli.child.kill("SIGTERM"));
        await cli.exited;
        return { code: cli.child.exitCode, signal: cli.child.signalCode };
      }),
    );
    expect(codes).toEqual(Array.from({ length: 6 }, () => ({ code: 0, signal: null })));
  });
});
