// Nested request typing: messages, content parts and tools per provider,
// named request types, and the unchecked form. An expected type error that
// does not happen fails the run.
import { assertType, describe, expectTypeOf, it } from "vitest";
import type {
  AnthropicMessagesRequest,
  BatchItem,
  GoogleGenerationRequest,
  InvokeRequest,
  OpenAIChatRequest,
  OpenAIResponsesRequest,
  UncheckedInvokeRequest,
} from "tamar-model-client";

const userContext = { orgId: "o", userId: "u", clientType: "c" };

describe("OpenAI chat messages", () => {
  it("a misspelt field of a message is a type error", () => {
    // @ts-expect-error contnet is not a field of a user message
    assertType<InvokeRequest>({ provider: "openai", model: "m", messages: [{ role: "user", contnet: "hi" }], userContext });
    // @ts-expect-error the same through the named type
    assertType<OpenAIChatRequest>({ provider: "openai", model: "m", messages: [{ role: "user", contnet: "hi" }], userContext });
  });

  it("each role has its own fields", () => {
    assertType<OpenAIChatRequest>({
      provider: "openai",
      model: "m",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", content: "42", tool_call_id: "c1" },
      ],
      userContext,
    });
    // @ts-expect-error a tool message needs tool_call_id
    assertType<OpenAIChatRequest>({ provider: "openai", model: "m", messages: [{ role: "tool", content: "42" }], userContext });
    // @ts-expect-error image parts belong to user messages, not system ones
    assertType<OpenAIChatRequest>({ provider: "openai", model: "m", messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "u" } }] }], userContext });
  });

  it("content parts and tools are typed by their type", () => {
    // @ts-expect-error an image_url part carries image_url, not url
    assertType<OpenAIChatRequest>({ provider: "openai", model: "m", messages: [{ role: "user", content: [{ type: "image_url", url: "u" }] }], userContext });
    // @ts-expect-error a function tool's definition is under function
    assertType<OpenAIChatRequest>({ provider: "openai", model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "function", name: "f" }], userContext });
  });
});

describe("OpenAI Responses input items", () => {
  it("messages and function call outputs are typed; other item types pass by their type", () => {
    assertType<OpenAIResponsesRequest>({
      provider: "openai",
      model: "m",
      input: [
        { role: "user", content: [{ type: "input_text", text: "hi" }] },
        { type: "function_call_output", call_id: "c1", output: "42" },
        { type: "reasoning", id: "r1", summary: [] },
      ],
      userContext,
    });
    // @ts-expect-error contnet is not a field of a message
    assertType<OpenAIResponsesRequest>({ provider: "openai", model: "m", input: [{ role: "user", contnet: "hi" }], userContext });
  });
});

describe("Anthropic messages", () => {
  it("roles, blocks and tools are typed", () => {
    assertType<AnthropicMessagesRequest>({
      provider: "anthropic",
      model: "c",
      max_tokens: 10,
      messages: [
        { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "42" }] },
      ],
      tools: [{ name: "f", input_schema: { type: "object" } }, { type: "web_search_20250305", name: "web_search", max_uses: 3 }],
      userContext,
    });
    // @ts-expect-error contnet is not a field of a message
    assertType<AnthropicMessagesRequest>({ provider: "anthropic", model: "c", max_tokens: 1, messages: [{ role: "user", contnet: "hi" }], userContext });
    // @ts-expect-error a text block has text, not txt
    assertType<AnthropicMessagesRequest>({ provider: "anthropic", model: "c", max_tokens: 1, messages: [{ role: "user", content: [{ type: "text", txt: "hi" }] }], userContext });
    // @ts-expect-error a custom tool has input_schema
    assertType<AnthropicMessagesRequest>({ provider: "anthropic", model: "c", max_tokens: 1, messages: [{ role: "user", content: "x" }], tools: [{ name: "f", input_shema: {} }], userContext });
  });
});

describe("Google contents", () => {
  it("contents, parts and tools are typed", () => {
    assertType<GoogleGenerationRequest>({
      provider: "google",
      model: "g",
      contents: [{ role: "user", parts: [{ text: "hi" }, { inlineData: { data: "AA==", mimeType: "image/png" } }] }],
      config: { tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "OBJECT" } as object }] }, { googleSearch: {} }] },
      userContext,
    });
    // @ts-expect-error parts, not parst
    assertType<GoogleGenerationRequest>({ provider: "google", model: "g", contents: [{ role: "user", parst: [{ text: "hi" }] }], userContext });
    // @ts-expect-error @google/genai spells it inlineData
    assertType<GoogleGenerationRequest>({ provider: "google", model: "g", contents: [{ role: "user", parts: [{ inline_data: { data: "AA==" } }] }], userContext });
  });
});

describe("named request types", () => {
  it("InvokeRequest is the union of the named pair requests and the unchecked form", () => {
    expectTypeOf<OpenAIChatRequest>().toMatchTypeOf<InvokeRequest>();
    expectTypeOf<AnthropicMessagesRequest>().toMatchTypeOf<InvokeRequest>();
    expectTypeOf<UncheckedInvokeRequest>().toMatchTypeOf<InvokeRequest>();
    expectTypeOf<OpenAIChatRequest["provider"]>().toEqualTypeOf<"openai" | "azure">();
  });
});

describe("the unchecked form", () => {
  it("names provider, invoke type and channel as strings, params as a record", () => {
    assertType<InvokeRequest>({ unchecked: { provider: "kling-ai", invokeType: "video-generation", params: { model_name: "v2" } }, userContext });
    assertType<BatchItem>({ unchecked: { provider: "acme", invokeType: "chat", channel: "eu", params: {} }, customId: "a" });
    // @ts-expect-error provider and invoke type are strings
    assertType<InvokeRequest>({ unchecked: { provider: 1, invokeType: "x", params: {} }, userContext });
    // @ts-expect-error params are required (an empty record is fine)
    assertType<InvokeRequest>({ unchecked: { provider: "acme", invokeType: "x" }, userContext });
    // @ts-expect-error the checked forms are not relaxed: a kling-ai request needs the unchecked form
    assertType<InvokeRequest>({ provider: "kling-ai", prompt: "x", userContext });
  });
});
