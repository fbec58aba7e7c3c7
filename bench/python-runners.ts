// Which Python contender runs at which concurrency (grpc.aio at c=16 and
// c=64, sync grpcio at c=1), started once for the unary scenario; each one
// that cannot run here becomes a "skipped" row with its reason.
import { tamar } from "./client-under-test.js";
import type { LoadRunner, WireSetup } from "./contenders/contender.js";
import { PYTHON_NAMES, probePython, startPythonContender } from "./contenders/python-grpc.js";
import type { Skipped, UnaryExtras } from "./scenarios.js";
import { JWT_SECRET, TENANT } from "./workload.js";

const PYTHON_AIO = PYTHON_NAMES.aio;
const PYTHON_SYNC = PYTHON_NAMES.sync;
const CONCURRENCY: Record<string, readonly number[]> = { [PYTHON_AIO]: [16, 64], [PYTHON_SYNC]: [1] };

export interface PythonRunners {
  names: { pythonAio: string; pythonSync: string };
  /** Which Python ran, with which grpcio and PyJWT, or why none did. */
  status: string;
  /** The Python contenders of this concurrency, measured or skipped. */
  at(concurrency: number): Pick<UnaryExtras, "runners" | "skipped">;
  close(): Promise<void>;
}

export async function startPythonRunners(wire: WireSetup, log: (text: string) => void): Promise<PythonRunners> {
  const probe = probePython();
  const running: LoadRunner[] = [];
  const skipped: Skipped[] = [];
  if ("skipped" in probe) {
    log(`Python contenders skipped: ${probe.skipped}`);
    skipped.push({ name: PYTHON_AIO, reason: probe.skipped }, { name: PYTHON_SYNC, reason: probe.skipped });
  } else {
    const setup = {
      address: wire.address,
      request: tamar.ModelServiceDefinition.methods.invoke.requestType.encode(wire.unaryItem).finish(),
      secret: JWT_SECRET,
      orgId: TENANT.orgId,
      userId: TENANT.userId,
      timeoutMs: wire.timeoutMs,
    };
    for (const [mode, name] of [["aio", PYTHON_AIO], ["sync", PYTHON_SYNC]] as const) {
      try {
        running.push(await startPythonContender(probe.python, mode, setup));
      } catch (error) {
        const reason = `${probe.python} (${probe.versions}) did not start: ${(error as Error).message.split("\n").slice(-1)[0]}`;
        log(`${name} skipped: ${reason}`);
        skipped.push({ name, reason });
      }
    }
  }
  let closing: Promise<void> | undefined;
  return {
    names: { pythonAio: PYTHON_AIO, pythonSync: PYTHON_SYNC },
    status: "skipped" in probe ? `skipped: ${probe.skipped}` : `${probe.python}, ${probe.versions}`,
    at: (concurrency) => ({
      runners: running.filter((runner) => CONCURRENCY[runner.name]!.includes(concurrency)),
      skipped: skipped.filter((s) => CONCURRENCY[s.name]!.includes(concurrency)),
    }),
    close: () => (closing ??= Promise.all(running.map((runner) => runner.close())).then(() => {})),
  };
}
