/**
 * Reference servers in their own processes (the CLI from the sources), for
 * tests where a process matters: a provider's back-off hint end to end,
 * replicas that are killed and started again.
 */
import { runCli, type CliProcess } from "../../helpers/cli-process.js";
import { SECRET } from "../../helpers/tokens.js";

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;

export interface ServerProcess {
  readonly cli: CliProcess;
  /** `127.0.0.1:<port>` it listens on. */
  readonly address: string;
  readonly port: number;
}

/**
 * Starts `tamar-model-server` with the test secret, on `port` (0 = a free
 * one), and resolves once it listens. Killed after the test if still running.
 */
export async function startServerProcess(
  {
    args = [],
    env = {},
    port = 0,
    logLevel = "warn",
  }: { args?: string[]; env?: Record<string, string>; port?: number; logLevel?: "info" | "warn" } = {},
): Promise<ServerProcess> {
  const cli = runCli(["--port", String(port), "--log-level", logLevel, ...args], {
    env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET, ...env },
  });
  const address = LISTENING.exec(await cli.line(LISTENING))![1]!;
  return { cli, address, port: Number(address.slice(address.lastIndexOf(":") + 1)) };
}
