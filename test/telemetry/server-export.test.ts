// The server process's telemetry export, set up the standard ways: a
// Prometheus endpoint with --metrics-port, and the OpenTelemetry Node SDK
// configured from OTEL_* variables.
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli-process.js";
import { authMetadata, collect, modelClient } from "../helpers/grpc-client.js";
import { SECRET } from "../helpers/tokens.js";

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;
const chat = {
  provider: "openai",
  invokeType: "chat-completions",
  stream: true,
  orgId: "org-1",
  userId: "user-1",
  extra: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 3 },
};

async function callOnce(line: string): Promise<void> {
  const { client, channel } = modelClient(LISTENING.exec(line)?.[1] ?? "");
  await collect(client.invoke(chat, { metadata: await authMetadata() }));
  channel.close();
}

describe("server telemetry export", () => {
  it("--metrics-port serves the GenAI server metrics and request counts in Prometheus format, with no tenant in any label", async () => {
    const cli = runCli(["--port", "0", "--metrics-port", "0", "--offline-chunk-delay-ms", "0"], {
      env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET },
    });
    const exportLog = JSON.parse(await cli.line(/"msg":"telemetry export"/, "stderr")) as { metrics: string; exporters: string };
    expect(exportLog.exporters).toBe("prometheus");
    expect(exportLog.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await callOnce(await cli.line(LISTENING));

    const text = await (await fetch(exportLog.metrics)).text();
    expect(text).toMatch(/^gen_ai_server_request_duration\w*_bucket\{.*gen_ai_operation_name="chat".*gen_ai_provider_name="openai".*\} 1$/m);
    expect(text).toMatch(/^gen_ai_server_time_to_first_token\w*_count\{.*\} 1$/m);
    expect(text).toMatch(/^gen_ai_server_time_per_output_token\w*_count\{.*\} 1$/m);
    expect(text).toMatch(/^tamar_server_requests\w*\{.*rpc_method="Invoke".*rpc_grpc_status_code="0".*\} 1$/m);
    expect(text).not.toMatch(/org-1|user-1/);
    expect((await fetch(exportLog.metrics.replace("/metrics", "/other"))).status).toBe(404);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("OTEL_TRACES_EXPORTER starts the OpenTelemetry Node SDK, which exports the server's spans", async () => {
    const cli = runCli(["--port", "0", "--offline-chunk-delay-ms", "0"], {
      env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET, OTEL_TRACES_EXPORTER: "console", OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" },
    });
    expect(JSON.parse(await cli.line(/"msg":"telemetry export"/, "stderr"))).toMatchObject({ exporters: "otel-sdk" });
    await callOnce(await cli.line(LISTENING));
    // The console exporter prints each span as it ends.
    await cli.line(/name: 'model_service\.ModelService\/Invoke'/);
    await cli.line(/name: 'chat gpt-4o-mini'/);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("a malformed --metrics-port is a config error", async () => {
    const cli = runCli(["--port", "0", "--metrics-port", "nine"], { env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET } });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr.join("\n")).toMatch(/--metrics-port must be a whole number/);
  });
});
