// The reference server under test, in its own process (built CLI, offline
// provider, no artificial chunk delay), killed whatever way the bench ends.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../dist/server/cli.js", import.meta.url));

export interface ServerProcess {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly pid: number;
  /** CPU time (user + system) the server process has used so far, µs; undefined where /proc is missing. */
  cpuMicros(): number | undefined;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

let ticksPerSecond: number | undefined;
// utime and stime (fields 14 and 15 of /proc/PID/stat) in clock ticks.
function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
  } catch {
    return undefined;
  }
}

// Registered once: an exception, Ctrl-C or a plain exit must not leave a
// server listening behind the bench.
let hooked = false;
function killOnExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const child of running) child.kill("SIGKILL");
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** Starts the server on a free loopback port and resolves once it accepts calls. */
export function startServerProcess(jwtSecretKey: string): Promise<ServerProcess> {
  killOnExit();
  const child = spawn(
    process.execPath,
    [CLI, "--host", "127.0.0.1", "--port", "0", "--offline", "--offline-chunk-delay-ms", "0", "--log-level", "error"],
    {
      env: { PATH: process.env["PATH"] ?? "", MODEL_MANAGER_SERVER_JWT_SECRET_KEY: jwtSecretKey },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    stderr.push(line);
    process.stderr.write(`[server] ${line}\n`);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    exited.then(() => reject(new Error(`the server exited before listening:\n${stderr.join("\n")}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const address = /listening on (127\.0\.0\.1:\d+)/.exec(line)?.[1];
      if (!address) return;
      resolve({
        address,
        pid: child.pid!,
        cpuMicros: () => processCpuMicros(child.pid!),
        async stop(graceMs = 5000) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}
