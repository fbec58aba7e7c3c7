import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { deferred, type Deferred } from "./deferred.js";

const TSX_LOADER = fileURLToPath(new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url));
const CLI = fileURLToPath(new URL("../../src/server/cli.ts", import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first line of `stream` matching `pattern` (already printed or still to come). */
  line(pattern: RegExp, stream?: "stdout" | "stderr"): Promise<string>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

export interface RunOptions {
  /** The child's whole environment besides PATH. */
  env?: Record<string, string>;
  cwd?: string;
  /** Options for node itself, e.g. `--expose-gc`. */
  nodeArgs?: string[];
}

/** Runs `tamar-model-server` from the sources in its own process, with only the given environment. */
export function runCli(args: string[], options: RunOptions = {}): CliProcess {
  return runTypeScript(CLI, args, options);
}

/** Runs a TypeScript file (through tsx) in its own process, killed after the test if still running. */
export function runTypeScript(file: string, args: string[], { env = {}, cwd, nodeArgs = [] }: RunOptions = {}): CliProcess {
  const child = spawn(process.execPath, [...nodeArgs, "--import", TSX_LOADER, file, ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lines = { stdout, stderr };
  const waiters: Array<{ pattern: RegExp; stream: keyof typeof lines; found: Deferred<string> }> = [];
  for (const stream of ["stdout", "stderr"] as const) {
    createInterface({ input: child[stream]! }).on("line", (line) => {
      lines[stream].push(line);
      for (const waiter of waiters.filter((w) => w.stream === stream && w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.found.resolve(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    line(pattern, stream = "stdout") {
      const seen = lines[stream].find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      const found = deferred<string>();
      waiters.push({ pattern, stream, found });
      exited.then((code) => found.reject(new Error(`the CLI exited (${code}) before printing ${pattern}; stderr:\n${stderr.join("\n")}`)));
      return found.promise;
    },
  };
}
