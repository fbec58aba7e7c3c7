// Messages, content parts and tools are checked per provider before anything
// is sent: a misspelt nested field is a ValidationError naming its path with
// a did-you-mean; each provider's own shapes (tool calls and results, other
// item and block types passed by their type) go through as given.
import { describe, expect, it } from "vitest";
import { type InvokeRequest, ValidationError } from "tamar-model-client";
import { buildInvokeRequest } from "tamar-model-client/middleware";
import { userContext } from "../helpers/setup.js";

const issuesOf = async (request: unknown) => {
  const error = await buildInvokeRequest(request as InvokeRequest, false).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
};

describe("misspelt nested fields", () => {
  it.each([
    ["an OpenAI chat message", { provider: "openai", model: "m", messages: [{ role: "user", contnet: "hi" }] }, "messages.0.contnet", "content"],
    ["an OpenAI content part", { provider: "openai", model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_ur: { url: "u" } }] }] }, "messages.0.content.0.image_ur", "image_url"],
    ["an OpenAI tool", { provider: "openai", model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "function", fuction: { name: "f" } }] }, "tools.0.fuction", "function"],
    ["a Responses message", { provider: "openai", model: "m", input: [{ role: "user", contnet: "hi" }] }, "input.0.contnet", "content"],
    ["a Responses function call output", { provider: "openai", model: "m", input: [{ type: "function_call_output", call_id: "c", ouptut: "1" }] }, "input.0.ouptut", "output"],
    ["an Anthropic message", { provider: "anthropic", model: "c", max_tokens: 1, messages: [{ role: "user", contnet: "hi" }] }, "messages.0.contnet", "content"],
    ["an Anthropic block", { provider: "anthropic", model: "c", max_tokens: 1, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_di: "t", content: "1" }] }] }, "messages.0.content.0.tool_use_di", "tool_use_id"],
    ["an Anthropic tool", { provider: "anthropic", model: "c", max_tokens: 1, messages: [{ role: "user", content: "x" }], tools: [{ name: "f", input_shema: {} }] }, "tools.0.input_shema", "input_schema"],
    ["a Google content", { provider: "google", model: "g", contents: [{ role: "user", parst: [{ text: "hi" }] }] }, "contents.0.parst", "parts"],
    ["a Google part in Python spelling", { provider: "google", model: "g", contents: [{ role: "user", parts: [{ inline_data: { data: "AA==" } }] }] }, "contents.0.parts.0.inline_data", "inlineData"],
    ["a Google tool", { provider: "google", model: "g", contents: "x", config: { tools: [{ functionDeclaration: [] }] } }, "config.tools.0.functionDeclaration", "functionDeclarations"],
  ])("%s: a ValidationError naming the field, with a did-you-mean", async (_name, request, path, meant) => {
    const issues = await issuesOf({ ...request, userContext });
    expect(issues).toContainEqual({ path, message: `unknown field (did you mean ${meant}?)` });
  });

  it("a part without its type says which types there are", async () => {
    const issues = await issuesOf({ provider: "openai", model: "m", messages: [{ role: "user", content: [{ text: "x" }] }], userContext });
    expect(issues).toEqual([{ path: "messages.0.content.0.type", message: 'required field is missing: one of "text", "image_url", "input_audio", "file"' }]);
  });

  it("a role the provider does not have is refused", async () => {
    const issues = await issuesOf({ provider: "anthropic", model: "c", max_tokens: 1, messages: [{ role: "tool", content: "x" }], userContext });
    expect(issues.map((issue) => issue.path)).toEqual(["messages.0.role"]);
  });
});

describe("each provider's shapes go through as given", () => {
  it.each([
    [
      "OpenAI chat with tool calls and a tool result",
      {
        provider: "openai",
        model: "m",
        messages: [
          { role: "user", content: [{ type: "text", text: "weather?" }, { type: "input_audio", input_audio: { data: "AA==", format: "wav" } }] },
          { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }] },
          { role: "tool", content: "sunny", tool_call_id: "c1" },
        ],
        tools: [{ type: "function", function: { name: "w", parameters: { type: "object", properties: {} }, strict: true } }],
      },
    ],
    [
      "Responses items, built-in tools passed by their type",
      {
        provider: "openai",
        model: "m",
        input: [
          { role: "user", content: [{ type: "input_text", text: "hi" }, { type: "input_image", image_url: "https://x/y.png", detail: "auto" }] },
          { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "…" },
          { type: "function_call", call_id: "c1", name: "w", arguments: "{}" },
          { type: "function_call_output", call_id: "c1", output: "sunny" },
        ],
        tools: [{ type: "web_search", search_context_size: "low" }, { type: "function", name: "w", parameters: {}, strict: false }],
      },
    ],
    [
      "Anthropic blocks, server tool blocks passed by their type",
      {
        provider: "anthropic",
        model: "c",
        max_tokens: 10,
        system: [{ type: "text", text: "be brief", cache_control: { type: "ephemeral" } }],
        messages: [
          { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AA==" } }, { type: "text", text: "what is it?" }] },
          { role: "assistant", content: [{ type: "thinking", thinking: "…", signature: "s" }, { type: "server_tool_use", id: "s1", name: "web_search", input: { q: "x" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "42" }], is_error: false }] },
        ],
        tools: [{ name: "f", input_schema: { type: "object" } }, { type: "bash_20250124", name: "bash" }],
      },
    ],
    [
      "Google contents with parts of every kind, function declarations and built-in tools",
      {
        provider: "google",
        model: "g",
        contents: [
          { role: "user", parts: [{ text: "hi" }, { inlineData: { data: "AA==", mimeType: "image/png" } }, { fileData: { fileUri: "gs://b/o", mimeType: "video/mp4" } }] },
          { role: "model", parts: [{ functionCall: { name: "w", args: { city: "x" } } }] },
          { role: "user", parts: [{ functionResponse: { name: "w", response: { ok: true } } }] },
          { text: "a bare part" },
        ],
        config: { tools: [{ functionDeclarations: [{ name: "w", description: "weather", parametersJsonSchema: { type: "object" } }] }, { googleSearch: {} }] },
      },
    ],
  ])("%s", async (_name, request) => {
    const { item } = await buildInvokeRequest({ ...request, userContext } as InvokeRequest, false);
    const { provider: _p, ...params } = request;
    expect(item.extra).toEqual(params);
  });
});
