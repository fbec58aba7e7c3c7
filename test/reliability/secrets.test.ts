// No secret — the JWT secret, any token sent, a provider API key — appears in
// any log line or error message. A run of scenarios (success, auth failures,
// provider errors that echo the key, validation errors on both sides, a TLS
// error) with secrets set, against the server in process and the CLI; every
// client log event, server log record, CLI output line and error (message,
// stack, cause chain, attached response) is captured and searched.
import type { ServerResponse } from "node:http";
import { inspect } from "node:util";
import type { CallOptions, ClientMiddlewareCall } from "nice-grpc-common";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  type BatchItem,
  createModelClient,
  type InvokeRequest,
  invoke,
  invokeBatch,
  invokeStream,
  type Logger,
  type ModelClient,
  type ModelClientOptions,
  ProviderError,
} from "tamar-model-client";
import { runCli } from "../helpers/cli-process.js";
import { type RecordedRequest, sendJson, sseEvent, startFakeUpstream, startSse } from "../helpers/fake-upstream.js";
import { chatChunk, chatCompletion } from "../helpers/provider-wire/openai.js";
import { signToken, unsignedToken } from "../helpers/tokens.js";
import { drain, report } from "./helpers/report.js";
import { startLoggedServer, userContext } from "./helpers/stack.js";

const JWT_SECRET = "jwt-secret-never-logged-5f1c2a9e7b3d";
const OPENAI_KEY = "sk-live-never-logged-0c4b9e2f7a1d8e3b";
const WRONG_SECRET = "wrong-jwt-secret-never-logged-77aa21";

/** Everything a run printed or threw, by where it came from. */
class Capture {
  readonly texts: Array<{ source: string; text: string }> = [];
  /** Tokens clients sent, read off the wire metadata: each is a secret too. */
  readonly tokens = new Set<string>();

  add(source: string, value: unknown): void {
    this.texts.push({ source, text: typeof value === "string" ? value : inspect(value, { depth: 30, breakLength: Infinity }) });
    if (value instanceof Error) {
      // The whole cause chain, as loggers print it: message, stack and own fields (response included).
      for (let error: unknown = value; error instanceof Error; error = error.cause) {
        this.texts.push({ source: `${source} (cause chain)`, text: `${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}` });
      }
    }
  }

  logger(source: string): Logger {
    const at = (level: string) => (fields: Record<string, unknown>, message: string) => this.add(`${source} ${level}`, `${message} ${JSON.stringify(fields)}`);
    return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  }

  tokenSpy() {
    const tokens = this.tokens;
    return async function* spyTokens<Req, Res>(call: ClientMiddlewareCall<Req, Res>, options: CallOptions) {
      const authorization = options.metadata?.get("authorization");
      if (authorization) tokens.add(authorization.replace(/^Bearer /, ""));
      return yield* call.next(call.request, options);
    };
  }
}

/** Answers OpenAI chat calls; the prompt picks a failure that echoes the credentials back, as real providers sometimes do. */
async function startEchoingOpenAI() {
  return startFakeUpstream((request: RecordedRequest, res: ServerResponse) => {
    const body = request.json();
    const prompt = String(body.messages?.at(-1)?.content ?? "");
    if (prompt === "echo the key") {
      sendJson(res, 401, { error: { message: `Incorrect API key provided: ${OPENAI_KEY}`, type: "invalid_request_error", code: "invalid_api_key" } });
    } else if (prompt === "echo the header") {
      sendJson(res, 400, { error: { message: `bad request; you sent authorization: ${String(request.headers.authorization)}`, type: "invalid_request_error" } });
    } else if (body.stream) {
      startSse(res);
      res.write(sseEvent(chatChunk({ content: "fine" })));
      if (prompt === "echo the key mid-stream") {
        res.end(sseEvent({ error: { message: `stream failed for key ${OPENAI_KEY}`, type: "server_error" } }));
        return;
      }
      res.write(sseEvent(chatChunk({}, "stop")));
      res.write(sseEvent(chatChunk({}, null, chatCompletion().usage)));
      res.end(sseEvent("[DONE]"));
    } else {
      sendJson(res, 200, chatCompletion());
    }
  });
}

const chat = (prompt: string): InvokeRequest => ({ provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }], userContext });

/** The scenario set against the server at `address`; every outcome goes to `capture`. */
async function runScenarios(address: string, capture: Capture, label: string): Promise<number> {
  const clients: ModelClient[] = [];
  const client = (options: ModelClientOptions) => {
    const made = createModelClient({
      address,
      useTls: false,
      env: {},
      envFile: false,
      maxRetries: 0,
      logger: capture.logger(`${label} client log`),
      middlewares: [capture.tokenSpy()],
      ...options,
    });
    clients.push(made);
    return made;
  };
  const good = client({ jwtSecretKey: JWT_SECRET });
  const outcome = async (what: string, run: () => Promise<unknown>) => {
    try {
      capture.add(`${label} ${what} (result)`, await run());
    } catch (error) {
      capture.add(`${label} ${what} (error)`, error);
    }
  };
  const { userContext: _, ...item } = chat("ok");
  const scenarios: Array<[string, () => Promise<unknown>]> = [
    ["success: invoke", () => invoke(good, chat("ok"))],
    ["success: stream", async () => (await drain(invokeStream(good, chat("ok")))).chunks],
    ["batch with an item whose provider echoes the key", () => invokeBatch(good, { userContext, items: [item, { ...item, messages: [{ role: "user", content: "echo the key" }] } as BatchItem] })],
    ["provider error echoing the key", () => invoke(good, chat("echo the key"))],
    ["provider error echoing the authorization header", () => invoke(good, chat("echo the header"))],
    ["stream failing with the key in its error", async () => {
      const { error } = await drain(invokeStream(good, chat("echo the key mid-stream")));
      if (error) throw error;
    }],
    ["server validation: the key in extra_headers", () => invoke(good, { ...chat("ok"), extra_headers: { Authorization: `Bearer ${OPENAI_KEY}` } } as InvokeRequest)],
    ["server validation: a route the server lacks", () => invoke(good, { ...chat("ok"), channel: "vertexai" } as InvokeRequest)],
    ["client validation", () => invoke(good, { ...chat("ok"), api_key: OPENAI_KEY } as unknown as InvokeRequest)],
    ["auth: signed with the wrong secret", () => invoke(client({ jwtSecretKey: WRONG_SECRET }), chat("ok"))],
    ["auth: an expired token", async () => invoke(client({ jwtToken: await signToken({}, { secret: JWT_SECRET, expiresIn: Math.floor(Date.now() / 1000) - 60 }) }), chat("ok"))],
    ["auth: alg none", () => invoke(client({ jwtToken: unsignedToken() }), chat("ok"))],
    ["auth: no token", () => invoke(client({}), chat("ok"))],
    ["TLS to a plaintext server", () => invoke(client({ jwtSecretKey: JWT_SECRET, useTls: true, tls: { serverName: "localhost" } }), chat("ok"))],
  ];
  try {
    for (const [what, run] of scenarios) await outcome(what, run);
  } finally {
    await Promise.all(clients.map((each) => each.close()));
  }
  return scenarios.length;
}

/** Every stretch of a secret that would give it away: the whole of it, and for a JWT its signature. */
function secretsOf(capture: Capture): string[] {
  const tokens = [...capture.tokens].flatMap((token) => [token, token.split(".")[2] ?? ""]).filter((part) => part.length >= 16);
  return [JWT_SECRET, OPENAI_KEY, WRONG_SECRET, ...tokens];
}

describe("no secret in any log line or error", () => {
  it("server in process: client logs, server logs, errors and answers of every scenario", async () => {
    const upstream = await startEchoingOpenAI();
    const capture = new Capture();
    const { server, log } = await startLoggedServer({
      offline: false,
      jwtSecretKey: JWT_SECRET,
      providerMaxRetries: 0,
      env: { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${upstream.url}/v1` },
    });
    const scenarios = await runScenarios(server.address, capture, "in-process");
    for (const record of log.records) capture.add("server log", JSON.stringify(record));

    // The secrets were really in play: the key reached the provider, tokens were sent, the provider echoed the key.
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(capture.tokens.size).toBeGreaterThanOrEqual(3);
    const echoed = capture.texts.filter((entry) => entry.text.includes("[redacted]"));
    expect(echoed.length).toBeGreaterThan(0);
    expect(capture.texts.some((entry) => entry.source.includes("provider error echoing the key") && entry.text.includes(ProviderError.name))).toBe(true);

    const secrets = secretsOf(capture);
    const leaks = capture.texts.flatMap(({ source, text }) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${source}: …${secret.slice(0, 6)}…`));
    report("secrets (in process)", { scenarios, capturedTexts: capture.texts.length, serverRecords: log.records.length, secretsSearched: secrets.length, redactedEchoes: echoed.length, leaks: leaks.length });
    expect(leaks).toEqual([]);
  });

  it("the CLI: its stdout and stderr (debug level) across the same scenarios", async () => {
    const upstream = await startEchoingOpenAI();
    const capture = new Capture();
    const cli = runCli(["--port", "0", "--log-level", "debug", "--provider-max-retries", "0"], {
      env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: JWT_SECRET, OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${upstream.url}/v1` },
    });
    onTestFinished(() => {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
    });
    const address = /listening on (127\.0\.0\.1:\d+)/.exec(await cli.line(/listening on/))![1]!;
    const scenarios = await runScenarios(address, capture, "cli");
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    for (const line of [...cli.stdout, ...cli.stderr]) capture.add("cli output", line);

    expect(cli.stderr.filter((line) => line.includes('"msg":"call"')).length).toBeGreaterThanOrEqual(8);
    expect(cli.stderr.some((line) => line.includes("[redacted]"))).toBe(true);
    const secrets = secretsOf(capture);
    const leaks = capture.texts.flatMap(({ source, text }) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${source}: …${secret.slice(0, 6)}…`));
    report("secrets (CLI)", { scenarios, cliLines: cli.stdout.length + cli.stderr.length, capturedTexts: capture.texts.length, secretsSearched: secrets.length, leaks: leaks.length });
    expect(leaks).toEqual([]);
  });
});
