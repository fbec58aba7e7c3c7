// The reference server's HTTP API (the Python SDK's HTTP fallback), spoken
// with plain fetch as a Python client would: unary, SSE stream, batch, the
// Python SDK's own body shape, auth and tenant checks, validation, drain.
import { describe, expect, it } from "vitest";
import { ModelServerConfigError, startModelServer } from "tamar-model-client/server";
import { startReferenceServer } from "../helpers/reference-server.js";
import { signToken, TENANT } from "../helpers/tokens.js";

const userContext = { org_id: TENANT.orgId, user_id: TENANT.userId, client_type: "http-test" };

async function httpServer(options: Parameters<typeof startReferenceServer>[0] = {}) {
  const { server } = await startReferenceServer({ httpPort: 0, ...options });
  expect(server.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const token = await signToken();
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.httpUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { server, post };
}

/** The `data:` payloads of an SSE body, and the events that were not plain data. */
function sse(text: string) {
  const events = text.split("\n\n").filter((block) => block.trim() !== "");
  return events.map((block) => {
    const lines = block.split("\n");
    const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
    const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
    return { event, data };
  });
}

const chat = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello over HTTP" }], user_context: userContext };

describe("the HTTP API of the reference server", () => {
  it("POST /v1/invoke answers one JSON answer, as the gRPC Invoke does", async () => {
    const { post } = await httpServer();
    const response = await post("/v1/invoke", { ...chat, invoke_type: "chat-completions", channel: "normal", stream: false }, { "x-request-id": "req-http-1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-http-1");
    const answer = (await response.json()) as Record<string, unknown>;
    expect(typeof answer["content"]).toBe("string");
    expect((answer["content"] as string).length).toBeGreaterThan(0);
    expect(answer["error"]).toBeNull();
    expect(answer["request_id"]).toBe("req-http-1");
    expect(answer["usage"]).toMatchObject({ total_tokens: expect.any(Number) });
    expect((answer["raw_response"] as { choices: { finish_reason: string }[] }).choices[0]!.finish_reason).toBe("stop");
  });

  it("a stream is SSE: data lines of answers, then data: [DONE]; the text is the unary answer's", async () => {
    const { post } = await httpServer();
    const whole = (await (await post("/v1/invoke", { ...chat, invoke_type: "chat-completions" })).json()) as { content: string };
    const response = await post("/v1/invoke", { ...chat, invoke_type: "chat-completions", stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = sse(await response.text());
    expect(events.at(-1)).toEqual({ event: undefined, data: "[DONE]" });
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data) as { content: string; error: unknown });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.error === null)).toBe(true);
    expect(chunks.map((chunk) => chunk.content).join("")).toBe(whole.content);
  });

  it("accepts the Python SDK's body: nulls for absent fields, Google config, model_extra fields at the top level", async () => {
    const { post } = await httpServer();
    const response = await post("/v1/invoke", {
      provider: "google",
      channel: "normal",
      invoke_type: "generation",
      model: "gemini-2.5-flash",
      user_context: userContext,
      stream: false,
      messages: null,
      contents: "Hello from Python",
      config: { temperature: 0.2, maxOutputTokens: 50 },
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { content: string; error: unknown };
    expect(answer.error).toBeNull();
    expect(answer.content.length).toBeGreaterThan(0);
  });

  it("POST /v1/batch-invoke answers results with their custom ids", async () => {
    const { post } = await httpServer();
    const response = await post("/v1/batch-invoke", {
      user_context: userContext,
      items: [
        { provider: "openai", invoke_type: "chat-completions", model: "gpt-4o-mini", messages: [{ role: "user", content: "one" }], custom_id: "a", priority: 1 },
        { provider: "anthropic", model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "two" }], custom_id: "b" },
        { provider: "openai", invoke_type: "chat-completions", model: "gpt-4o-mini", custom_id: "bad" },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { request_id: string; results: { custom_id: string; content: string; error: string | null }[] };
    expect(body.request_id).toEqual(expect.any(String));
    expect(body.results.map((result) => result.custom_id)).toEqual(["a", "b", "bad"]);
    expect(body.results[0]!.error).toBeNull();
    expect(body.results[1]!.error).toBeNull();
    // A bad item fails in its own result, as on gRPC.
    expect(body.results[2]!.error).toMatch(/INVALID_ARGUMENT.*messages/);
  });

  it("refuses a call without a token (401) and another tenant's request (403), with typed error bodies", async () => {
    const { server, post } = await httpServer();
    const anonymous = await fetch(`${server.httpUrl}/v1/invoke`, { method: "POST", body: JSON.stringify(chat) });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED", message: expect.any(String) } });
    const other = await post("/v1/invoke", { ...chat, user_context: { ...userContext, org_id: "org-2" } });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: { status: "PERMISSION_DENIED" } });
  });

  it("validation is the gRPC path's: 400 INVALID_ARGUMENT naming the field; a bad body names it too", async () => {
    const { post } = await httpServer();
    const unknownChannel = await post("/v1/invoke", { ...chat, channel: "vertexai" });
    expect(unknownChannel.status).toBe(400);
    expect(((await unknownChannel.json()) as { error: { message: string } }).error.message).toMatch(/channel "vertexai"/);
    const noProvider = await post("/v1/invoke", { model: "x", user_context: userContext });
    expect(noProvider.status).toBe(400);
    expect(((await noProvider.json()) as { error: { message: string } }).error.message).toMatch(/^provider: /);
    const notJson = await post("/v1/invoke", "{not json");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/^body: not JSON/);
    const wrongStream = await post("/v1/invoke", { ...chat, stream: "yes" });
    expect(((await wrongStream.json()) as { error: { message: string } }).error.message).toMatch(/^stream: /);
  });

  it("a body over the server's message limit is refused with 429 RESOURCE_EXHAUSTED, like gRPC", async () => {
    const { post } = await httpServer({ maxReceiveMessageBytes: 2_048 });
    const response = await post("/v1/invoke", { ...chat, messages: [{ role: "user", content: "x".repeat(4_000) }] });
    expect(response.status).toBe(429);
    expect(((await response.json()) as { error: { status: string; message: string } }).error).toMatchObject({
      status: "RESOURCE_EXHAUSTED",
      message: expect.stringMatching(/larger than max/),
    });
  });

  it("health is SERVING, and NOT_SERVING with new calls refused (503) while the server drains", async () => {
    const { server, post } = await httpServer({ offlineChunkDelayMs: 50 });
    expect(await (await fetch(`${server.httpUrl}/health`)).json()).toEqual({ status: "SERVING" });
    // A long stream keeps the server draining while it runs.
    const running = await post("/v1/invoke", { ...chat, invoke_type: "chat-completions", stream: true });
    const reader = running.body!.getReader();
    await reader.read();
    const closing = server.close({ graceMs: 30_000 });
    const health = await fetch(`${server.httpUrl}/health`).catch((error: unknown) => error);
    // Either refused at the door (the listener is closed) or answered NOT_SERVING on a kept-alive connection.
    if (health instanceof Response) expect(health.status).toBe(503);
    else expect(health).toBeInstanceOf(TypeError);
    // The call in flight finishes whole: it ends with [DONE].
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest.trimEnd().endsWith("data: [DONE]")).toBe(true);
    await closing;
  });

  it("at the end of the grace a call still running is cut: no [DONE], and the server stops", async () => {
    const { server, post } = await httpServer({ offlineChunkDelayMs: 500 });
    const running = await post("/v1/invoke", { ...chat, invoke_type: "chat-completions", stream: true });
    const reader = running.body!.getReader();
    await reader.read();
    await server.close({ graceMs: 50 });
    let rest = "";
    const ended = await (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    })().then(
      () => "ended",
      () => "cut",
    );
    expect(ended).toBe("cut");
    expect(rest).not.toMatch(/\[DONE\]/);
  });

  it("the port comes from httpPort or TAMAR_MODEL_SERVER_HTTP_PORT; a bad one is a config error naming it", async () => {
    const fromEnv = await startModelServer({ port: 0, jwtSecretKey: "s", env: { TAMAR_MODEL_SERVER_HTTP_PORT: "0" } });
    try {
      expect(fromEnv.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await fromEnv.close({ graceMs: 0 });
    }
    const none = await startModelServer({ port: 0, jwtSecretKey: "s", env: {} });
    expect(none.httpUrl).toBeUndefined();
    await none.close({ graceMs: 0 });
    const bad = await startModelServer({ port: 0, jwtSecretKey: "s", env: { TAMAR_MODEL_SERVER_HTTP_PORT: "http" } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ModelServerConfigError);
    expect((bad as ModelServerConfigError).setting).toBe("TAMAR_MODEL_SERVER_HTTP_PORT");
  });
});
