// The README's "Your first app", followed as written by a new user: the
// package as `npm pack` ships it (prepack builds it) installed into an empty
// folder with `"type": "module"`, the README's app.js, and a first call
// against `npx tamar-model-server` started with the README's command (port 0
// instead of 50051: tests never take a fixed port; loopback only). The
// dependencies come from the npm cache the project's own install filled.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignments } from "../helpers/shell-line.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const start = readme.indexOf("### Your first app");
const section = readme.slice(start, readme.indexOf("\n## ", start));
const blocks = (language: string) => [...section.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map(([, code]) => code!);
const [setupBlock, runBlock] = blocks("sh");
const [appSource] = blocks("js");
const README_PORT = "50051";

// Only what a user's shell would have: PATH and HOME (for the npm cache), no MODEL_* settings.
const baseEnv = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? tmpdir() };
const npmFlags = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

describe("README: Your first app", () => {
  let dir: string;
  let tarball: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tamar-first-app-"));
    // `npm pack` as a clean clone would run it: prepack builds dist/.
    const packed = await run("npm", ["pack", "--pack-destination", dir, "--json", "--loglevel=error"], { cwd: root, env: { ...process.env }, maxBuffer: 16 * 1024 * 1024 });
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string; mode: number }[] }];
    tarball = join(dir, info.filename);
    packedFiles = info.files;
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let packedFiles: { path: string; mode: number }[] = [];

  it("the tarball ships the build, the LICENSE, the CHANGELOG and an executable bin", () => {
    const paths = packedFiles.map((file) => file.path);
    for (const path of ["dist/index.js", "dist/index.d.ts", "dist/server/cli.js", "LICENSE", "CHANGELOG.md", "README.md", "package.json"]) {
      expect(paths, path).toContain(path);
    }
    expect(packedFiles.find((file) => file.path === "dist/server/cli.js")!.mode & 0o111).not.toBe(0);
    expect(statSync(join(root, "dist/server/cli.js")).mode & 0o111).not.toBe(0); // right after the build, too
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ repository: expect.anything(), homepage: expect.any(String), bugs: expect.anything(), scripts: { prepack: expect.any(String) } });
  });

  it("npm init, type module, install, npx tamar-model-server, node app.js: the first call answers", async () => {
    const app = join(dir, "my-app");
    rmSync(app, { recursive: true, force: true });
    await run("mkdir", [app]);
    const steps = setupBlock!.trim().split("\n");
    expect(steps.slice(0, 3)).toEqual(["npm init -y", "npm pkg set type=module", "npm install tamar-model-client"]);
    await run("npm", ["init", "-y", "--loglevel=error"], { cwd: app, env: baseEnv });
    await run("npm", ["pkg", "set", "type=module"], { cwd: app, env: baseEnv });
    await run("npm", ["install", tarball, ...npmFlags], { cwd: app, env: baseEnv, maxBuffer: 16 * 1024 * 1024 });
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8"))).toMatchObject({ type: "module", dependencies: { "tamar-model-client": expect.any(String) } });
    // A client install carries no server-only weight: no health library, no rxjs.
    expect(existsSync(join(app, "node_modules/rxjs"))).toBe(false);
    expect(existsSync(join(app, "node_modules/nice-grpc-server-health"))).toBe(false);
    expect(existsSync(join(app, "node_modules/openai"))).toBe(false);

    const { vars: serverEnv, rest: serverCommand } = assignments(steps[3]!);
    expect(serverCommand.slice(0, 2)).toEqual(["npx", "tamar-model-server"]);
    const args = serverCommand.slice(2).map((arg) => (arg === README_PORT ? "0" : arg));
    const server = spawn("npx", ["tamar-model-server", ...args], { cwd: app, env: { ...baseEnv, ...serverEnv }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const exited = new Promise<void>((resolve) => server.on("close", () => resolve()));
    const logs: string[] = [];
    createInterface({ input: server.stderr! }).on("line", (text) => logs.push(text));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout! }).on("line", (text) => {
          if (text.includes("listening on")) resolve(text);
        });
        server.on("close", (code) => reject(new Error(`tamar-model-server exited with ${code}`)));
      });
      const port = /listening on 127\.0\.0\.1:(\d+)/.exec(line)![1]!;

      writeFileSync(join(app, "app.js"), appSource!);
      const { vars: clientEnv, rest: clientCommand } = assignments(runBlock!);
      expect(clientCommand).toEqual(["node", "app.js"]);
      expect(line).toContain(`MODEL_MANAGER_SERVER_ADDRESS=127.0.0.1:${port}`);
      const env = { ...baseEnv, ...Object.fromEntries(Object.entries(clientEnv).map(([name, value]) => [name, value.replace(`:${README_PORT}`, `:${port}`)])) };
      const { stdout } = await run(process.execPath, ["app.js"], { cwd: app, env });
      expect(stdout).toMatch(/^\[openai\/chat-completions\/gpt-4o-mini\] digest:[0-9a-f]{12}/);
    } finally {
      process.kill(-server.pid!, "SIGTERM"); // the process group this test started
    }
    await exited;
    // npx passes the signal on; the server drained and stopped (its last log record).
    expect(logs.map((text) => (JSON.parse(text) as { msg: string }).msg)).toContain("stopped");
  }, 180_000);
});
