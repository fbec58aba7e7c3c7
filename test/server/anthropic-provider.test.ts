/**
 * Anthropic through the real `@anthropic-ai/sdk`, pointed at a fake provider
 * on loopback that speaks the Messages API wire format (JSON and the named
 * SSE event stream); calls go through a real gRPC client.
 */
import { describe, expect, it } from "vitest";
import { authMetadata, collect } from "../helpers/grpc-client.js";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { anthropicError, anthropicMessage, writeAnthropicStream } from "../helpers/provider-wire/anthropic.js";
import { startReferenceServer } from "../helpers/reference-server.js";

const KEY = "sk-ant-test-0123456789";

const message = anthropicMessage();

const env = (url: string) => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: url });
const request = (stream: boolean, invokeType = "messages") => ({
  provider: "anthropic",
  invokeType,
  stream,
  orgId: "org-1",
  userId: "user-1",
  extra: { model: "claude-sonnet-4", max_tokens: 1024, system: "Be brief.", messages: [{ role: "user", content: "Hello" }] },
});

describe("anthropic through @anthropic-ai/sdk", () => {
  it("messages, non-stream: sends the SDK request and answers with one message", async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, message));
    const { client } = await startReferenceServer({ env: env(upstream.url), providerMaxRetries: 0 });
    const messages = await collect(client.invoke(request(false, "generation"), { metadata: await authMetadata() }));

    const [sent] = upstream.requests as [RecordedRequest];
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/messages");
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // max_tokens arrived over Struct as a double and goes out as the integer it is
    expect(sent.body.toString()).toContain('"max_tokens":1024');
    expect(sent.json()).toEqual({ model: "claude-sonnet-4", max_tokens: 1024, system: "Be brief.", messages: [{ role: "user", content: "Hello" }], stream: false });

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ content: "Hi there", error: "" });
    expect(JSON.parse(messages[0]?.usage ?? "")).toEqual(message.usage);
    expect(JSON.parse(messages[0]?.rawResponse ?? "")).toMatchObject({ stop_reason: "end_turn" });
  });

  it("messages, stream: relays the events, whole usage on the final message_stop", async () => {
    const upstream = await startFakeUpstream((_request, res) => writeAnthropicStream(res));
    const { client } = await startReferenceServer({ env: env(upstream.url), providerMaxRetries: 0 });
    const chunks = await collect(client.invoke(request(true), { metadata: await authMetadata() }));

    expect(upstream.requests[0]?.json()).toMatchObject({ stream: true });
    expect(chunks.map((chunk) => chunk.content).join("")).toBe("Hi there");
    const types = chunks.map((chunk) => JSON.parse(chunk.rawResponse).type);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(types).toContain("message_delta");
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === "")).toBe(true);
    expect(JSON.parse(chunks.at(-1)?.usage ?? "")).toEqual({ input_tokens: 5, output_tokens: 2 });
  });

  it("an error status travels in-band", async () => {
    const upstream = await startFakeUpstream((_request, res) =>
      sendJson(res, 529, anthropicError("overloaded_error", "Overloaded")),
    );
    const { client } = await startReferenceServer({ env: env(upstream.url), providerMaxRetries: 0 });
    for (const stream of [false, true]) {
      const messages = await collect(client.invoke(request(stream), { metadata: await authMetadata() }));
      expect(messages).toHaveLength(1);
      expect(messages[0]?.error).toMatch(/^anthropic request failed, HTTP 529: .*Overloaded/);
    }
    expect(upstream.requests).toHaveLength(2);
  });
});
