// The readings behind the telemetry attributes: operation and
// provider names, request parameters and response identity in
// each provider's own shapes, and the stability opt-in.
import { describe, expect, it } from "vitest";
import { addRequestParameters, clientProviderName, operationName } from "../../src/telemetry/gen-ai-request.js";
import { responseIdentity } from "../../src/telemetry/gen-ai-response.js";
import { latestGenAiConventions } from "../../src/telemetry/semconv.js";

describe("telemetry readings", () => {
  it("operation and provider names", () => {
    expect(operationName("openai", "chat-completions")).toBe("chat");
    expect(operationName("openai", "generation")).toBe("chat");
    expect(operationName("anthropic", "messages")).toBe("chat");
    expect(operationName("google", "generation")).toBe("generate_content");
    expect(operationName("openai", "image-generation")).toBe("generate_content");
    expect(clientProviderName("azure", "normal", "responses")).toBe("azure.ai.openai");
    expect(clientProviderName("google", "normal", "generation")).toBe("gcp.gen_ai");
    expect(clientProviderName("google", "ai-studio", "generation")).toBe("gcp.gemini");
    expect(clientProviderName("google", "vertexai", "generation")).toBe("gcp.vertex_ai");
    expect(clientProviderName("google", "normal", "image-generation")).toBe("gcp.vertex_ai");
    expect(clientProviderName("anthropic", "normal", "messages")).toBe("anthropic");
  });

  it("request parameters at the top level, in Google's config, snake or camel case", () => {
    const attributes = {};
    addRequestParameters(attributes, { max_completion_tokens: 9, top_p: 0.5, stop: "END", n: 2, seed: 7 });
    expect(attributes).toEqual({
      "gen_ai.request.max_tokens": 9,
      "gen_ai.request.top_p": 0.5,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.request.choice.count": 2,
      "gen_ai.request.seed": 7,
    });
    const google = {};
    addRequestParameters(google, { config: { max_output_tokens: 64, topK: 40, stopSequences: ["a", "b"], temperature: 0 } });
    expect(google).toEqual({
      "gen_ai.request.max_tokens": 64,
      "gen_ai.request.top_k": 40,
      "gen_ai.request.stop_sequences": ["a", "b"],
      "gen_ai.request.temperature": 0,
    });
  });

  it("response id and model, top level or nested in stream events", () => {
    expect(responseIdentity({ id: "chatcmpl-1", model: "gpt-4o" })).toEqual({ id: "chatcmpl-1", model: "gpt-4o" });
    expect(responseIdentity({ type: "response.created", response: { id: "resp_1", model: "gpt-4.1" } })).toEqual({ id: "resp_1", model: "gpt-4.1" });
    expect(responseIdentity({ type: "message_start", message: { id: "msg_1", model: "claude" } })).toEqual({ id: "msg_1", model: "claude" });
    expect(responseIdentity({ responseId: "r", modelVersion: "gemini-001" })).toEqual({ id: "r", model: "gemini-001" });
    expect(responseIdentity(undefined)).toEqual({});
  });

  it("the stability opt-in is one value of a comma-separated list", () => {
    expect(latestGenAiConventions({})).toBe(false);
    expect(latestGenAiConventions({ OTEL_SEMCONV_STABILITY_OPT_IN: "http,gen_ai_latest_experimental" })).toBe(true);
    expect(latestGenAiConventions({ OTEL_SEMCONV_STABILITY_OPT_IN: "gen_ai_latest" })).toBe(false);
  });
});
