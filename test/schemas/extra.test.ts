// How provider parameters travel in `extra`, as the server receives them.
import { describe, expect, it } from "vitest";
import { invoke } from "tamar-model-client";
import { buildInvokeRequest } from "tamar-model-client/middleware";
import { setup, userContext } from "../helpers/setup.js";

const bytes = new Uint8Array([1, 2, 3, 250]);
const base64 = Buffer.from(bytes).toString("base64");

async function sentExtra(request: Record<string, unknown>) {
  const { server, client } = await setup();
  await invoke(client, { userContext, ...request } as never);
  return (server.calls[0]!.request as { extra: Record<string, unknown> }).extra;
}

describe("extra on the wire", () => {
  it("binary inputs take the Python SDK's wire forms: bytes, Buffer, File, typed Blob, tuples, file ids", async () => {
    const extra = await sentExtra({
      provider: "openai",
      prompt: "add a hat",
      image: [
        bytes,
        Buffer.from(bytes),
        new File([bytes], "cat.png", { type: "image/png" }),
        new Blob([bytes], { type: "image/jpeg" }),
        ["dog.webp", bytes, "image/webp"],
        { file_id: "file-123" },
      ],
      mask: new Blob([bytes]),
    });
    expect(extra["image"]).toEqual([
      `bytes:${base64}`,
      `bytes:${base64}`,
      ["cat.png", `bytes:${base64}`, "image/png"],
      ["file.jpeg", `bytes:${base64}`, "image/jpeg"],
      ["dog.webp", `bytes:${base64}`, "image/webp"],
      { file_id: "file-123" },
    ]);
    expect(extra["mask"]).toBe(`bytes:${base64}`);
  });

  it("keeps empty values nested in messages and schemas (they mean something), drops unset top-level ones", async () => {
    const extra = await sentExtra({
      provider: "openai",
      model: "gpt-4o",
      messages: [
        { role: "assistant", content: "", tool_calls: [] },
        { role: "user", content: "  " },
      ],
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", properties: {}, required: [] } } },
      tools: [],
      instructions: undefined,
      user: "",
      temperature: null,
      top_p: 0,
      logprobs: false,
    });
    expect(extra).toEqual({
      model: "gpt-4o",
      messages: [
        { role: "assistant", content: "", tool_calls: [] },
        { role: "user", content: "  " },
      ],
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", properties: {}, required: [] } } },
      top_p: 0,
      logprobs: false,
    });
  });

  it("keeps nested nulls, drops nested undefined object entries, sends Dates as ISO text like JSON would", async () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    const extra = await sentExtra({
      provider: "anthropic",
      model: "claude",
      max_tokens: 1000,
      messages: [{ role: "user", content: "hi", cache: undefined }],
      metadata: { user_id: null, at },
    });
    expect(extra).toEqual({
      model: "claude",
      max_tokens: 1000,
      messages: [{ role: "user", content: "hi" }],
      metadata: { user_id: null, at: "2026-01-02T03:04:05.000Z" },
    });
  });

  it("Google parameters stay camelCase inside config; the escape hatch travels as given", async () => {
    const extra = await sentExtra({
      provider: "google",
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      config: { maxOutputTokens: 64, thinkingConfig: { thinkingBudget: 0 }, httpOptions: { extraBody: { newThing: true } } },
    });
    expect(extra["config"]).toEqual({
      maxOutputTokens: 64,
      thinkingConfig: { thinkingBudget: 0 },
      httpOptions: { extraBody: { newThing: true } },
    });
  });

  it("a stream also carries stream: true in extra, as the Python SDK sent it, except for Google", async () => {
    const openai = await buildInvokeRequest({ provider: "openai", model: "m", input: "x", userContext }, true);
    expect(openai.item).toMatchObject({ stream: true, extra: { stream: true } });
    const google = await buildInvokeRequest({ provider: "google", model: "g", contents: "x", userContext }, true);
    expect(google.item.stream).toBe(true);
    expect(google.item.extra).not.toHaveProperty("stream");
    const unary = await buildInvokeRequest({ provider: "anthropic", model: "c", max_tokens: 5, messages: [{ role: "user", content: "x" }], userContext }, false);
    expect(unary.item.extra).not.toHaveProperty("stream");
  });
});
