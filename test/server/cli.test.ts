import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Status } from "nice-grpc";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli } from "../helpers/cli-process.js";
import { testPki } from "../helpers/pki.js";
import { authMetadata, clientErrorOf, collect, modelClient } from "../helpers/grpc-client.js";
import { SECRET } from "../helpers/tokens.js";

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;
const chat = (maxTokens: number, stream = true) => ({
  provider: "openai",
  invokeType: "chat-completions",
  stream,
  orgId: "org-1",
  userId: "user-1",
  extra: { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: maxTokens },
});

const addressOf = (line: string) => LISTENING.exec(line)?.[1] ?? "";
const logsOf = (lines: string[]) => lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);

describe("tamar-model-server", () => {
  it("prints `listening on`, serves, and on SIGTERM drains an in-flight stream before exiting 0", async () => {
    const cli = runCli(["--port", "0", "--offline-chunk-delay-ms", "10"], { env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET } });
    const line = await cli.line(LISTENING);
    expect(line).toMatch(/offline provider; JWT required/);
    const { client, channel } = modelClient(addressOf(line));
    const iterator = client.invoke(chat(30), { metadata: await authMetadata() })[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);

    cli.child.kill("SIGTERM");
    const rest = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    expect(rest).toHaveLength(30); // 29 more words + the final chunk with usage
    expect(JSON.parse(rest.at(-1)?.usage ?? "").completion_tokens).toBe(30);
    expect(await cli.exited).toBe(0);
    channel.close();

    const logs = logsOf(cli.stderr);
    expect(logs.map((record) => record["msg"])).toEqual(
      expect.arrayContaining(["listening", "signal received", "shutting down", "call", "stopped"]),
    );
    expect(logs.find((record) => record["msg"] === "call")).toMatchObject({ method: "Invoke", status: "OK", provider: "openai" });
    expect([...cli.stdout, ...cli.stderr].join("\n")).not.toContain(SECRET);
  });

  it("a second signal exits at once, without waiting for the calls in flight", async () => {
    const cli = runCli(["--port", "0", "--offline-chunk-delay-ms", "50", "--shutdown-grace-ms", "600000"], {
      env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET },
    });
    const { client, channel } = modelClient(addressOf(await cli.line(LISTENING)));
    // 1,000 words at 50 ms each: far longer than this test may take
    const iterator = client.invoke(chat(1000), { metadata: await authMetadata() })[Symbol.asyncIterator]();
    await iterator.next();
    cli.child.kill("SIGTERM");
    await cli.line(/"msg":"shutting down"/, "stderr");
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(1);
    // the stream breaks off; which status the transport reports depends on how the socket closed
    const broken = await clientErrorOf(() => collect({ [Symbol.asyncIterator]: () => iterator }));
    expect([Status.UNAVAILABLE, Status.INTERNAL, Status.CANCELLED]).toContain(broken.code);
    channel.close();
  });

  it("without a JWT secret or --allow-unauthenticated: a config error naming the setting, exit 2", async () => {
    const cli = runCli(["--port", "0"]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr.join("\n")).toMatch(/config error \(MODEL_MANAGER_SERVER_JWT_SECRET_KEY\): no JWT secret/);
  });

  it("--allow-unauthenticated says so on start-up and accepts calls without a token", async () => {
    const cli = runCli(["--port", "0", "--allow-unauthenticated", "--offline-chunk-delay-ms", "0"]);
    const line = await cli.line(LISTENING);
    expect(line).toMatch(/NO authentication/);
    expect(logsOf(cli.stderr).some((record) => record["level"] === "warn" && /authentication is OFF/.test(String(record["msg"])))).toBe(true);
    const { client, channel } = modelClient(addressOf(line));
    expect(await collect(client.invoke(chat(2, false)))).toHaveLength(1);
    channel.close();
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(0);
  });

  it("reads .env from its working directory without overriding the environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tamar-server-"));
    writeFileSync(join(dir, ".env"), `MODEL_MANAGER_SERVER_JWT_SECRET_KEY=${SECRET}\nTAMAR_MODEL_SERVER_MAX_BATCH_ITEMS=1\n`);
    const cli = runCli(["--port", "0"], { cwd: dir, env: { TAMAR_MODEL_SERVER_MAX_BATCH_ITEMS: "2" } });
    const { client, channel } = modelClient(addressOf(await cli.line(LISTENING)));
    const metadata = await authMetadata();
    const missing = await clientErrorOf(() => collect(client.invoke(chat(1, false))));
    expect(missing.code).toBe(Status.UNAUTHENTICATED); // the secret from .env is in force
    expect((await client.batchInvoke({ items: [chat(1), chat(1)] }, { metadata })).items).toHaveLength(2); // env wins over .env
    channel.close();
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("bad flags and settings: exit 2 with a message naming them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tamar-cli-flags-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const garbage = file("garbage.pem", "not a PEM file\n");
    const pemCert = file("server.pem", testPki().serverCert);
    const pemKey = file("server.key", testPki().serverKey);
    const cases: Array<Promise<void>> = [];
    for (const [args, env, message] of [
      [["--port", "http"], {}, /config error \(--port\): --port must be a whole number/],
      [["--port", "0", "--bogus"], {}, /Unknown option '--bogus'/],
      [["--port", "0", "--allow-unauthenticated", "--log-level", "loud"], {}, /config error \(--log-level\)/],
      [["--port", "0", "--allow-unauthenticated"], { OPENAI_API_KEY: "sk-0123456789", OPENAI_BASE_URL: "nope" }, /config error \(OPENAI_BASE_URL\)/],
      [["--port", "0", "--allow-unauthenticated", "--tls-cert", "/nonexistent/cert.pem"], {}, /config error \(--tls-key\): --tls-cert and --tls-key go together/],
      [["--port", "0", "--allow-unauthenticated", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], {}, /config error \(--tls-cert\): --tls-cert: cannot read/],
      // Each flag is named for its own fault (all were reported as `port`).
      [["--port", "0", "--allow-unauthenticated", "--host", "no-such-host.invalid"], {}, /config error \(--host\): cannot listen on no-such-host\.invalid:0/],
      [["--port", "0", "--allow-unauthenticated", "--tls-cert", garbage, "--tls-key", pemKey], {}, /config error \(--tls-cert\): tls\.cert is not a PEM certificate/],
      [["--port", "0", "--allow-unauthenticated", "--tls-cert", pemCert, "--tls-key", garbage], {}, /config error \(--tls-key\): tls\.key is not a PEM private key/],
      [["--port", "0", "--allow-unauthenticated", "--offline-chunk-delay-ms", "999999"], {}, /config error \(--offline-chunk-delay-ms\)/],
    ] as const) {
      cases.push(
        (async () => {
          const cli = runCli([...args], { env: { ...env } });
          expect(await cli.exited, args.join(" ")).toBe(2);
          expect(cli.stderr.join("\n")).toMatch(message);
        })(),
      );
    }
    await Promise.all(cases);
  }, 60_000); // ten CLI processes starting at once through tsx

  it("--help describes the options", async () => {
    const cli = runCli(["--help"]);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout.join("\n")).toMatch(/--allow-unauthenticated[\s\S]*--offline-chunk-delay-ms/);
  });
});
