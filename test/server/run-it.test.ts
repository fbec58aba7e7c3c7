// The README's "Run it" path, as written: start `tamar-model-server` with the
// README's command (port 0 instead of 50051: tests never take a fixed port),
// read the client settings off its start-up line, give the client the
// README's `export` line, and run the Usage examples against that server.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../helpers/cli-process.js";
import { assignments } from "../helpers/shell-line.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const start = readme.indexOf("### Run it");
const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
const [serverBlock, clientBlock] = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, code]) => code!.trim().split("\n"));

const README_PORT = "50051";

const EXAMPLES = ["invoke.ts", "stream.ts", "batch.ts", "errors.ts", "cancellation.ts", "logging-middleware.ts"];

describe("README: Run it", () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  // One test: the CLI helper ends the server process after each test.
  it("the README's server command, its start-up line's client settings and the README's export line run every Usage example", async () => {
    const [command, printed] = serverBlock!;
    const { vars: serverEnv, rest } = assignments(command!);
    const [npx, bin, ...args] = rest;
    expect([npx, bin]).toEqual(["npx", "tamar-model-server"]);
    expect(args.join(" ")).toContain(`--port ${README_PORT}`);
    const cli = runCli(args.map((arg) => (arg === README_PORT ? "0" : arg)), { env: serverEnv });
    const startupLine = await cli.line(/listening on/);
    const port = /listening on 127\.0\.0\.1:(\d+)/.exec(startupLine)![1]!;
    expect(printed).toBe(`# ${startupLine.replaceAll(`:${port}`, `:${README_PORT}`)}`);

    // The start-up line names the client settings; the README's export line gives exactly those.
    const shown = Object.fromEntries(
      [...startupLine.slice(startupLine.indexOf("clients: ")).matchAll(/([A-Z_]+)=(<[^>]*>|\S+)/g)].map(([, name, value]) => [name!, value!]),
    );
    const [exportLine, run] = clientBlock!;
    expect(exportLine).toMatch(/^export /);
    expect(run).toBe("npx tsx examples/invoke.ts");
    const { vars: clientEnv } = assignments(exportLine!.slice("export ".length));
    expect(Object.keys(clientEnv).sort()).toEqual(Object.keys(shown).sort());
    expect(clientEnv["MODEL_MANAGER_SERVER_ADDRESS"]).toBe(shown["MODEL_MANAGER_SERVER_ADDRESS"]!.replace(`:${port}`, `:${README_PORT}`));
    expect(clientEnv["MODEL_MANAGER_SERVER_GRPC_USE_TLS"]).toBe(shown["MODEL_MANAGER_SERVER_GRPC_USE_TLS"]);
    // The secret the server was started with, which the start-up line does not print.
    expect(shown["MODEL_MANAGER_SERVER_JWT_SECRET_KEY"]).toBe("<the server's JWT secret>");
    expect(clientEnv["MODEL_MANAGER_SERVER_JWT_SECRET_KEY"]).toBe(serverEnv["MODEL_MANAGER_SERVER_JWT_SECRET_KEY"]);

    for (const name of Object.keys(process.env)) if (name.startsWith("MODEL_")) delete process.env[name];
    for (const [name, value] of Object.entries(clientEnv)) process.env[name] = value.replace(`:${README_PORT}`, `:${port}`);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      for (const file of EXAMPLES) {
        log.mockClear();
        await import(/* @vite-ignore */ `../../examples/${file}`);
        expect(log, file).toHaveBeenCalled();
      }
    } finally {
      log.mockRestore();
    }
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });
});
