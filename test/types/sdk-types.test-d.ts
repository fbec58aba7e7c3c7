// Values typed with the official provider SDKs' own types fit the request
// types as they are; a value outside them is still a type error.
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { Content, GenerateContentConfig } from "@google/genai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { assertType, describe, it } from "vitest";
import type { InvokeRequest } from "tamar-model-client";
import { userContext } from "../helpers/user-context.js";

declare const messages: ChatCompletionMessageParam[];
declare const tools: ChatCompletionTool[];
declare const anthropicMessages: MessageParam[];
declare const contents: Content[];
declare const config: GenerateContentConfig;

describe("official SDK types", () => {
  it("are accepted where the provider's API takes them", () => {
    assertType<InvokeRequest>({ provider: "openai", model: "gpt-4o", messages, tools, userContext });
    assertType<InvokeRequest>({ provider: "anthropic", model: "claude", max_tokens: 10, messages: anthropicMessages, userContext });
    assertType<InvokeRequest>({ provider: "google", model: "gemini", contents, config, userContext });
  });

  it("a request written as const still refuses a wrong role", () => {
    const request = { provider: "openai", model: "gpt-4o", messages: [{ role: "user", content: "hi" }], userContext } as const;
    assertType<InvokeRequest>(request);
    // @ts-expect-error a wrong role is still a type error
    assertType<InvokeRequest>({ ...request, messages: [{ role: "robot", content: "x" }] });
  });
});
