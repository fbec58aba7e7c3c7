// Every child process the bench starts (servers, the fake upstream, Python
// contenders, fresh-process measurements), killed whatever way the bench ends:
// an exception, Ctrl-C or a plain exit must not leave one behind.
import { type ChildProcess, spawn, type SpawnOptions } from "node:child_process";

const running = new Set<ChildProcess>();

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

export interface TrackedChild {
  readonly child: ChildProcess;
  /** Resolves when the child has exited, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** `spawn`, with the child killed when the bench exits. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): TrackedChild {
  killOnExit();
  const child = spawn(command, args, options);
  running.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", () => {
      running.delete(child);
      resolve(null);
    });
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  return { child, exited };
}

/** Runs a child to its end (killed with the bench) and resolves to its stdout; rejects on a non-zero exit, with its stderr. */
export function runTracked(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<string> {
  const { child, exited } = spawnTracked(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on("data", (part: Buffer) => stdout.push(part));
  child.stderr!.on("data", (part: Buffer) => stderr.push(part));
  return exited.then((code) => {
    if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${Buffer.concat(stderr).toString("utf8")}`);
    return Buffer.concat(stdout).toString("utf8");
  });
}
