// The reference server under test, in its own process (built CLI; by default
// the offline provider with no chunk delay), killed whatever way the bench ends.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { spawnTracked } from "./child-processes.js";

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

let ticksPerSecond: number | undefined;
/** CPU time (user + system) process `pid` has used so far, µs; undefined where /proc is missing. */
// utime and stime (fields 14 and 15 of /proc/PID/stat) in clock ticks.
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
  } catch {
    return undefined;
  }
}

/** How a server differs from the default one (offline, no chunk delay). */
export interface ServerOptions {
  /** CLI flags after the defaults; a later flag wins. */
  args?: readonly string[];
  /** Environment added to PATH and the JWT secret, e.g. provider credentials. */
  env?: Readonly<Record<string, string>>;
  /** False: answer through the provider SDKs (the gateway scenario). */
  offline?: boolean;
  /** The server's CLI script: another build's `dist/server/cli.js` to compare builds; this checkout's by default. */
  cli?: string;
  /** Node flags before the script, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
}

/** Starts the server on a free loopback port and resolves once it accepts calls. */
export function startServerProcess(jwtSecretKey: string, options: ServerOptions = {}): Promise<ServerProcess> {
  const offline = options.offline === false ? [] : ["--offline", "--offline-chunk-delay-ms", "0"];
  const { child, exited } = spawnTracked(process.execPath, [...(options.nodeArgs ?? []), options.cli ?? CLI, "--host", "127.0.0.1", "--port", "0", ...offline, "--log-level", "error", ...(options.args ?? [])], {
    env: { PATH: process.env["PATH"] ?? "", ...options.env, MODEL_MANAGER_SERVER_JWT_SECRET_KEY: jwtSecretKey },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
