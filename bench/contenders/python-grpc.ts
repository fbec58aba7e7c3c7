// The Python stack the SDK replaces (grpcio + PyJWT, a token signed per
// request), as contenders in their own processes: python_grpc_client.py,
// driven over stdin/stdout one closed loop at a time. Debian's
// python3-grpcio / python3-jwt may be missing: then the rows are skipped with
// the reason, never faked.
import { execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { spawnTracked } from "../child-processes.js";
import { unarySample } from "../measure.js";
import type { LoadRunner } from "./contender.js";

const SCRIPT = fileURLToPath(new URL("./python_grpc_client.py", import.meta.url));
/** Row names of the two Python contenders. */
export const PYTHON_NAMES = { aio: "Python grpc.aio + PyJWT", sync: "Python sync grpcio + PyJWT" } as const;
export const PYTHON_INSTALL_HINT = "apt-get install python3-grpcio python3-jwt";

/** A Python that imports grpc, grpc.aio and jwt, or why none does. */
export type PythonProbe = { python: string; versions: string } | { skipped: string };

/** Interpreters tried in order: BENCH_PYTHON, Debian's (where apt installs python3-grpcio), the one on PATH. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([env["BENCH_PYTHON"], "/usr/bin/python3", "python3"].filter((p): p is string => Boolean(p)))];
}

const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

export function probePython(candidates = pythonCandidates()): PythonProbe {
  const failures: string[] = [];
  for (const python of candidates) {
    try {
      const versions = execFileSync(python, ["-c", "import grpc, grpc.aio, jwt; print('grpcio', grpc.__version__, 'PyJWT', jwt.__version__)"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 30_000,
      }).trim();
      return { python, versions };
    } catch (error) {
      const { stderr, message } = error as { stderr?: string; message: string };
      failures.push(`${python}: ${lastLine(stderr || message)}`);
    }
  }
  return { skipped: `no Python with grpcio and PyJWT (${failures.join("; ")}); install with \`${PYTHON_INSTALL_HINT}\`` };
}

export interface PythonSetup {
  readonly address: string;
  /** The encoded ModelRequestItem every contender sends. */
  readonly request: Uint8Array;
  readonly secret: string;
  readonly orgId: string;
  readonly userId: string;
  readonly timeoutMs: number;
}

interface LoopReply {
  latenciesMs: number[];
  wallMs: number;
  cpuMicros: number;
}

/** Starts one Python client process (`aio`: grpc.aio; `sync`: blocking grpcio) and resolves once its channel is ready. */
export async function startPythonContender(python: string, mode: "aio" | "sync", setup: PythonSetup): Promise<LoadRunner> {
  const { child, exited } = spawnTracked(python, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
  const waiting: Array<{ resolve(line: string): void; reject(error: Error): void }> = [];
  const failed = (code: number | null) => new Error(`the Python ${mode} client exited (${code}):\n${stderr.join("\n")}`);
  createInterface({ input: child.stdout! }).on("line", (line) => waiting.shift()?.resolve(line));
  void exited.then((code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(failed(code));
  });
  const send = (value: object) =>
    new Promise<string>((resolve, reject) => {
      if (child.exitCode !== null) return reject(failed(child.exitCode));
      waiting.push({ resolve, reject });
      child.stdin!.write(`${JSON.stringify(value)}\n`);
    });
  const ready = JSON.parse(
    await send({
      mode,
      address: setup.address,
      request: Buffer.from(setup.request).toString("base64"),
      secret: setup.secret,
      orgId: setup.orgId,
      userId: setup.userId,
      timeoutSeconds: setup.timeoutMs / 1000,
    }),
  ) as { ready: boolean };
  if (!ready.ready) throw new Error(`the Python ${mode} client did not start`);
  return {
    name: PYTHON_NAMES[mode],
    async closedLoop(concurrency, calls) {
      const loop = JSON.parse(await send({ concurrency, calls })) as LoopReply;
      if (loop.latenciesMs.length !== calls) throw new Error(`the Python ${mode} client timed ${loop.latenciesMs.length} of ${calls} calls`);
      return unarySample(loop.latenciesMs, loop.wallMs, loop.cpuMicros);
    },
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}
