// The README's code blocks are the files in examples/, and each runs against a
// real server configured the way users configure the client: environment
// variables.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ServerError, Status } from "nice-grpc";
import { startModelServer } from "tamar-model-client/server";
import { startScriptedServer, type ScriptedServer } from "../helpers/scripted-server.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/<!-- example: (examples\/[\w-]+\.ts) -->\n```ts\n([\s\S]*?)```/g)].map(
  ([, file, code]) => [file!, code!] as const,
);

describe("README examples", () => {
  it("every example file is in the README, verbatim", () => {
    expect(blocks.map(([file]) => file).sort()).toEqual(
      [
        "examples/batch.ts",
        "examples/cancellation.ts",
        "examples/errors.ts",
        "examples/fallback.ts",
        "examples/http-fallback.ts",
        "examples/invoke.ts",
        "examples/load-balancing.ts",
        "examples/logging-middleware.ts",
        "examples/stream.ts",
        "examples/tasks.ts",
        "examples/telemetry.ts",
        "examples/unchecked.ts",
      ],
    );
    for (const [file, code] of blocks) {
      expect(code, file).toBe(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"));
    }
  });

  let server: ScriptedServer;
  const saved = { ...process.env };
  beforeAll(async () => {
    server = await startScriptedServer({ jwtSecret: "readme-secret" });
    Object.assign(process.env, {
      MODEL_MANAGER_SERVER_ADDRESS: server.address,
      MODEL_MANAGER_SERVER_GRPC_USE_TLS: "false",
      MODEL_MANAGER_SERVER_JWT_SECRET_KEY: "readme-secret",
    });
  });
  afterAll(async () => {
    process.env = saved;
    await server.close();
  });

  async function run(file: string): Promise<string> {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const before = server.calls.length;
    try {
      await import(/* @vite-ignore */ `../../examples/${file}`);
      expect(server.calls.length).toBeGreaterThan(before);
      expect(server.calls.slice(before).every((call) => call.jwt?.["org_id"] === "org-1")).toBe(true);
      return log.mock.calls.map((args) => args.map((arg) => (typeof arg === "object" ? JSON.stringify(arg) : String(arg))).join(" ")).join("\n");
    } finally {
      log.mockRestore();
    }
  }

  it("invoke.ts", async () => {
    expect(await run("invoke.ts")).toBe("echo openai chat-completions gpt-4o-mini 7 stop");
  });

  it("unchecked.ts sends the named pair with its params as extra", async () => {
    const before = server.calls.length;
    expect(await run("unchecked.ts")).toBe("echo kling-ai image-generation model");
    expect(server.calls[before]!.request).toMatchObject({
      provider: "kling-ai",
      invokeType: "image-generation",
      channel: "normal",
      extra: { model_name: "kling-v2", prompt: "a red kite", n: 1 },
    });
  });

  it("stream.ts", async () => {
    expect(await run("stream.ts")).toContain("echo google generation gemini-2.5-flash");
  });

  it("batch.ts", async () => {
    const output = await run("batch.ts");
    expect(output).toContain("summary echo openai chat-completions gpt-4o-mini");
    expect(output).toContain("haiku echo anthropic messages claude-sonnet-4-5");
  });

  it("errors.ts", async () => {
    server.invoke = async function* () {
      yield { error: "content policy" };
    };
    const output = await run("errors.ts");
    expect(output).toContain("config.temperature");
    expect(output).toMatch(/provider said: content policy [\w-]+/);
    expect(server.calls.at(-1)!.method).toBe("invoke");
  });

  it("cancellation.ts", async () => {
    server.invoke = async function* (req, ctx) {
      yield { content: "Once" };
      if (!req.stream) return;
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    };
    expect(await run("cancellation.ts")).toMatch(/^Once\ncancelled [\w-]+$/);
  });

  it("logging-middleware.ts", async () => {
    server.invoke = async function* () {
      yield { content: "ok" };
    };
    expect(await run("logging-middleware.ts")).toMatch(/^call finished [\w-]+ [\d.]+$/);
    expect(server.calls.at(-1)!.metadata["x-team"]).toBe("search");
  });

  it("fallback.ts", async () => {
    // OpenAI's route is rate-limited on the server; Anthropic's answers.
    server.invoke = async function* (req) {
      if (req.provider === "openai") yield { error: "openai request failed, HTTP 429: Rate limit reached" };
      else yield { content: `answer of ${String(req.extra?.["model"])}` };
    };
    expect(await run("fallback.ts")).toBe("answered by anthropic claude-sonnet-4-5\nskipped gpt-4o-mini ProviderError");
    expect(server.calls.slice(-2).map((call) => (call.request as { provider: string }).provider)).toEqual(["openai", "anthropic"]);
  });

  it("http-fallback.ts", async () => {
    // The gRPC server is out of service; the reference server's HTTP API answers.
    server.invoke = async function* () {
      throw new ServerError(Status.UNAVAILABLE, "out of service");
    };
    const reference = await startModelServer({ port: 0, httpPort: 0, jwtSecretKey: "readme-secret", offlineChunkDelayMs: 0, env: {} });
    process.env["MODEL_MANAGER_HTTP_URL"] = reference.httpUrl;
    try {
      expect(await run("http-fallback.ts")).toBe("answered over http after UnavailableError");
    } finally {
      delete process.env["MODEL_MANAGER_HTTP_URL"];
      await reference.close({ graceMs: 0 });
    }
  });

  it("load-balancing.ts", async () => {
    const second = await startScriptedServer({ jwtSecret: "readme-secret" });
    const address = process.env["MODEL_MANAGER_SERVER_ADDRESS"];
    process.env["MODEL_MANAGER_SERVER_ADDRESS"] = `${server.address},${second.address}`;
    server.invoke = second.invoke = async function* () {
      yield { content: "ok" };
    };
    try {
      const output = await run("load-balancing.ts");
      expect(output).toBe(`policy round_robin${"\nok".repeat(6)}`);
      // Round robin: both replicas answered.
      expect(second.calls.length).toBeGreaterThan(0);
    } finally {
      process.env["MODEL_MANAGER_SERVER_ADDRESS"] = address;
      await second.close();
    }
  });

  it("tasks.ts", async () => {
    server.invoke = async function* (req) {
      yield { rawResponse: JSON.stringify({ task_id: `task-${req.invokeType}`, status: "processing", callback: req.extra?.["callback_url"] }) };
    };
    let polls = 0;
    server.getTaskStatus = async (req) => ({
      taskId: req.taskId,
      status: ++polls < 2 ? "processing" : "completed",
      createdAt: "2026-01-02T03:04:05.000Z",
      completedAt: polls < 2 ? "" : "2026-01-02T03:06:00.000Z",
      resultData: polls < 2 ? "" : JSON.stringify({ videos: [{ mime_type: "video/mp4", url: "https://cdn.example/v.mp4" }] }),
    });
    // One pause of waitForTask's first poll interval (0.5–1 s) between the two reads.
    expect(await run("tasks.ts")).toBe("task-video-generation processing\n2026-01-02T03:06:00.000Z video/mp4");
    expect(polls).toBe(2);
  });

  // Last: it registers the OpenTelemetry SDK globally for the rest of this file.
  it("telemetry.ts", async () => {
    server.invoke = async function* () {
      yield { content: "ok", usage: JSON.stringify({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }) };
    };
    expect(await run("telemetry.ts")).toBe(
      "chat gpt-4o-mini openai 1\ngen_ai.client.operation.duration gen_ai.client.token.usage",
    );
    expect(server.calls.at(-1)!.metadata["traceparent"]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
