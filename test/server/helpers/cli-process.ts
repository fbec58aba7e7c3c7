import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { deferred, type Deferred } from "./deferred.js";

const TSX_LOADER = fileURLToPath(new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url));
const CLI = fileURLToPath(new URL("../../../src/server/cli.ts", import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching `pattern` (already printed or still to come). */
  line(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Runs `tamar-model-server` from the sources in its own process, with only the given environment. */
export function runCli(args: string[], { env = {}, cwd }: { env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, CLI, ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ pattern: RegExp; found: Deferred<string> }> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    stdout.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.found.resolve(line);
    }
  });
  createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    line(pattern) {
      const seen = stdout.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      const found = deferred<string>();
      waiters.push({ pattern, found });
      exited.then((code) => found.reject(new Error(`the CLI exited (${code}) before printing ${pattern}; stderr:\n${stderr.join("\n")}`)));
      return found.promise;
    },
  };
}
