/**
 * Wire messages as the Python SDK builds them (original-client-spec §1.3, §5)
 * reach the fake providers correctly through the server and the real
 * provider SDKs. What the server tests already pin down (snake_case Google
 * config and contents, `inline_data` bytes, one `[name, "bytes:…", mime]`
 * image plus a `"bytes:…"` mask, OpenAI extra_headers / extra_query /
 * extra_body / timeout, the flat Imagen fields) is not repeated here.
 */
import { describe, expect, it } from "vitest";
import type { ModelRequestItem, ModelServiceClient } from "../../src/gen/model_service/model_service.js";
import { startFakeUpstream } from "../helpers/fake-upstream.js";
import { authMetadata, collect } from "../helpers/grpc-client.js";
import { anthropicApi } from "../helpers/provider-wire/anthropic.js";
import { geminiApi } from "../helpers/provider-wire/gemini.js";
import { openAIApi } from "../helpers/provider-wire/openai.js";
import { PNG, PNG_B64 } from "../helpers/provider-wire/png.js";
import { AZURE_API_VERSION, startStack } from "./helpers/stack.js";

type Item = Pick<ModelRequestItem, "provider" | "invokeType" | "stream" | "extra"> & { channel?: string };

/** Sends an item filled as the Python SDK fills it (user_context fields, channel "normal") and collects the answer. */
async function sendAsPython(raw: ModelServiceClient, item: Item, requestId?: string) {
  const metadata = await authMetadata(requestId === undefined ? {} : { "x-request-id": requestId });
  return collect(raw.invoke({ orgId: "org-1", userId: "user-1", clientType: "python-sdk", channel: "normal", ...item }, { metadata }));
}

describe("requests as the Python SDK sends them", () => {
  it("an OpenAI chat stream: stream in extra too, every number a double; the provider gets integers and one stream flag", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { raw } = await startStack({ openai: upstream.url });
    const chunks = await sendAsPython(raw, {
      provider: "openai",
      invokeType: "chat-completions",
      stream: true,
      // Struct numbers are doubles on the wire: 1000.0, 1.0, 0.7
      extra: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], max_tokens: 1000, n: 1, temperature: 0.7, seed: 42, stream: true },
    }, "py-1");
    const body = upstream.requests[0]!.body.toString();
    expect(body.match(/"stream":/g)).toHaveLength(1);
    expect(body).toContain('"max_tokens":1000,');
    expect(body).toContain('"n":1,');
    expect(JSON.parse(body)).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 1000,
      n: 1,
      temperature: 0.7,
      seed: 42,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(chunks.map((chunk) => chunk.content).join("")).toBe("Hi there");
    expect(chunks.every((chunk) => chunk.requestId === "py-1")).toBe(true);
  });

  it("an Anthropic stream with extra_headers and extra_body: headers on the HTTP request, body fields merged, neither key forwarded", async () => {
    const upstream = await startFakeUpstream(anthropicApi);
    const { raw } = await startStack({ anthropic: upstream.url });
    const chunks = await sendAsPython(raw, {
      provider: "anthropic",
      invokeType: "generation",
      stream: true,
      extra: {
        model: "claude-sonnet-4",
        max_tokens: 1024,
        messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
        stream: true,
        extra_headers: { "anthropic-beta": "prompt-caching-2024-07-31" },
        extra_body: { metadata: { user_id: "user-1" } },
      },
    });
    const sent = upstream.requests[0]!;
    expect(sent.headers["anthropic-beta"]).toBe("prompt-caching-2024-07-31");
    expect(sent.json()).toEqual({
      model: "claude-sonnet-4",
      max_tokens: 1024,
      messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
      metadata: { user_id: "user-1" },
      stream: true,
    });
    expect(chunks.map((chunk) => chunk.content).join("")).toBe("Hi there");
    expect(JSON.parse(chunks.at(-1)!.usage)).toEqual({ input_tokens: 5, output_tokens: 2 });
  });

  it("Azure chat with extra_body (data_sources) and extra_query: still the deployment path and the server's api-version", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { raw } = await startStack({ azure: upstream.url });
    const dataSources = [{ type: "azure_search", parameters: { endpoint: "https://search.example", index_name: "docs", top_n_documents: 5 } }];
    const [answer] = await sendAsPython(raw, {
      provider: "azure",
      invokeType: "chat-completions",
      stream: false,
      extra: { model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], extra_body: { data_sources: dataSources }, extra_query: { trace: "on" } },
    });
    const sent = upstream.requests[0]!;
    expect(sent.path).toBe("/openai/deployments/gpt-4o/chat/completions");
    expect(Object.fromEntries(sent.query)).toEqual({ "api-version": AZURE_API_VERSION, trace: "on" });
    expect(sent.json()).toEqual({ model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], data_sources: dataSources, stream: false });
    expect(answer?.content).toBe("Hi there");
  });

  it("Gemini tools and a response schema in snake_case: SDK keys become camelCase, the user's property names stay as written", async () => {
    const upstream = await startFakeUpstream(geminiApi);
    const { raw } = await startStack({ "ai-studio": upstream.url });
    const [answer] = await sendAsPython(raw, {
      provider: "google",
      channel: "ai-studio",
      invokeType: "generation",
      stream: false,
      extra: {
        model: "gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "Weather?" }] }],
        // GenerateContentConfig.model_dump() as the Python SDK sends it
        config: {
          max_output_tokens: 256,
          response_mime_type: "application/json",
          response_schema: { type: "OBJECT", properties: { city_name: { type: "STRING" }, max_temp: { type: "NUMBER" } }, property_ordering: ["city_name", "max_temp"] },
          tools: [
            {
              function_declarations: [
                { name: "get_weather", parameters: { type: "OBJECT", properties: { city_name: { type: "STRING" } }, required: ["city_name"] } },
              ],
            },
          ],
          tool_config: { function_calling_config: { mode: "AUTO", allowed_function_names: ["get_weather"] } },
          safety_settings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }],
        },
      },
    });
    expect(upstream.requests[0]!.json()).toEqual({
      contents: [{ role: "user", parts: [{ text: "Weather?" }] }],
      generationConfig: {
        maxOutputTokens: 256,
        responseMimeType: "application/json",
        responseSchema: { type: "OBJECT", properties: { city_name: { type: "STRING" }, max_temp: { type: "NUMBER" } }, propertyOrdering: ["city_name", "max_temp"] },
      },
      tools: [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "OBJECT", properties: { city_name: { type: "STRING" } }, required: ["city_name"] } }] }],
      toolConfig: { functionCallingConfig: { mode: "AUTO", allowedFunctionNames: ["get_weather"] } },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }],
    });
    expect(answer?.content).toBe("Hi there");
  });

  it("an image edit with a list of images (a file tuple and raw bytes): every image uploaded as a file", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const { raw } = await startStack({ openai: upstream.url });
    const [answer] = await sendAsPython(raw, {
      provider: "openai",
      invokeType: "image-edit-generation",
      stream: false,
      extra: { model: "gpt-image-1", prompt: "put them together", image: [["fox.png", `bytes:${PNG_B64}`, "image/png"], `bytes:${PNG_B64}`], n: 1 },
    });
    const form = await upstream.requests[0]!.formData();
    const images = form.getAll("image[]") as File[];
    expect(images.map((file) => [file.name, file.type])).toEqual([
      ["fox.png", "image/png"],
      ["image.png", "image/png"],
    ]);
    for (const file of images) expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    expect([form.get("prompt"), form.get("n"), form.get("model")]).toEqual(["put them together", "1", "gpt-image-1"]);
    expect(answer?.error).toBe("");
  });
});
