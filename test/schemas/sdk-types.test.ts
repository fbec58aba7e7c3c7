// Values typed with the official provider SDKs' own types are accepted as
// they are and built into wire requests (their type expectations:
// test/types/sdk-types.test-d.ts).
import type { MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import type { Content, GenerateContentConfig } from "@google/genai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { expect, it } from "vitest";
import { type InvokeRequest } from "tamar-model-client";
import { buildInvokeRequest } from "tamar-model-client/middleware";
import { userContext } from "../helpers/setup.js";

it("accepts SDK-typed messages, tools, contents and config, and literals with extra provider keys", async () => {
  const messages: ChatCompletionMessageParam[] = [
    { role: "system", content: "be brief" },
    { role: "user", content: [{ type: "text", text: "hi" }], name: "bob" },
  ];
  const tools: ChatCompletionTool[] = [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }];
  const anthropicMessages: MessageParam[] = [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] }];
  const anthropicTools: Tool[] = [{ name: "t", input_schema: { type: "object" } }];
  const contents: Content[] = [{ role: "user", parts: [{ text: "hi" }] }];
  const config: GenerateContentConfig = { temperature: 0.1, maxOutputTokens: 10 };
  const requests: InvokeRequest[] = [
    { provider: "openai", model: "gpt-4o", messages, tools, userContext },
    { provider: "openai", model: "gpt-4o", messages: [{ role: "tool", content: "42", tool_call_id: "c1" }], userContext },
    { provider: "anthropic", model: "claude", max_tokens: 10, messages: anthropicMessages, tools: anthropicTools, userContext },
    { provider: "google", model: "gemini", contents, config, userContext },
  ];
  for (const request of requests) {
    const { item } = await buildInvokeRequest(request, false);
    expect(item.extra).toMatchObject({ model: (request as { model: string }).model });
  }
});

it("accepts requests written as const", async () => {
  const request = {
    provider: "openai",
    model: "gpt-4o",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stop: ["\n"],
    userContext,
  } as const;
  const image = ["cat.png", new Uint8Array([1]), "image/png"] as const;
  const requests: InvokeRequest[] = [request, { provider: "openai", prompt: "x", image, userContext }];
  for (const each of requests) expect((await buildInvokeRequest(each, false)).item.provider).toBe("openai");
});
