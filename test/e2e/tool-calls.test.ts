/**
 * Tool calls in each provider's shape (OpenAI Chat, OpenAI Responses, Gemini,
 * Anthropic) reach the user as complete `toolCalls` — OpenAI Chat shape,
 * parsed arguments, finish reason `tool_calls` — from `invoke`, and from
 * `invokeStream` assembled from the pieces each provider streams (chat
 * `delta.tool_calls` fragments by index, Responses
 * `function_call_arguments.delta`, Anthropic `input_json_delta`, Gemini
 * `functionCall` parts over several chunks); `collectStream` makes the same
 * answer of the stream. Arguments that are not valid JSON are reported, their
 * text kept. The tool definitions reach the provider as the user wrote them.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { collectStream, type InvokeRequest, invoke, invokeStream, type ToolCall } from "tamar-model-client";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { collect } from "../helpers/grpc-client.js";
import { ANTHROPIC_USAGE, anthropicMessage, writeAnthropicToolUseStream } from "../helpers/provider-wire/anthropic.js";
import { GEMINI_USAGE, geminiResponse, writeGeminiChunks } from "../helpers/provider-wire/gemini.js";
import {
  CHAT_USAGE,
  chatCompletion,
  type FunctionCall,
  RESPONSES_USAGE,
  responseObject,
  writeChatToolCallStream,
  writeResponsesFunctionCallStream,
} from "../helpers/provider-wire/openai.js";
import { type BackendName, type RequestOf, startStack, userContext } from "./helpers/stack.js";

const WEATHER_SCHEMA = { type: "object", properties: { city: { type: "string" } }, required: ["city"] } as const;
const CALLS: FunctionCall[] = [
  { id: "call_1", name: "get_weather", arguments: '{"city":"Paris","days":3}' },
  { id: "call_2", name: "get_time", arguments: '{"zone":"Europe/Paris"}' },
];
const BROKEN: FunctionCall[] = [{ id: "call_1", name: "get_weather", arguments: '{"city":"Par' }];

const expectedCall = (id: string, call: FunctionCall): ToolCall => ({
  id,
  type: "function",
  function: { name: call.name, arguments: call.arguments },
  parsedArguments: JSON.parse(call.arguments),
});
const EXPECTED = CALLS.map((call) => expectedCall(call.id, call));

interface Shape {
  readonly name: string;
  readonly backend: BackendName;
  readonly request: RequestOf;
  /** Part of the provider request body that carries the tools. */
  readonly sentTools: object;
  /** The provider's answer calling `calls`, streamed when the request asks. */
  readonly answer: (calls: readonly FunctionCall[]) => (request: RecordedRequest, res: ServerResponse) => void;
  readonly expected: { readonly content: string | undefined; readonly toolCalls: ToolCall[] };
  /** The shape carries argument text (so it can be invalid JSON); Gemini sends parsed args. */
  readonly textArguments: { readonly invoke: boolean; readonly stream: boolean };
}

const streamed = (request: RecordedRequest) => request.path.endsWith(":streamGenerateContent") || request.json().stream === true;

const SHAPES: Shape[] = [
  {
    name: "OpenAI chat completion",
    backend: "openai",
    request: {
      provider: "openai",
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather of a city", parameters: WEATHER_SCHEMA } }],
      tool_choice: "auto",
    },
    sentTools: {
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather of a city", parameters: WEATHER_SCHEMA } }],
      tool_choice: "auto",
    },
    answer: (calls) => (request, res) =>
      streamed(request) ? writeChatToolCallStream(res, calls, CHAT_USAGE) : sendJson(res, 200, chatCompletion({ toolCalls: calls })),
    expected: { content: undefined, toolCalls: EXPECTED },
    textArguments: { invoke: true, stream: true },
  },
  {
    name: "OpenAI Responses",
    backend: "openai",
    request: {
      provider: "openai",
      model: "gpt-4.1",
      input: "Weather in Paris?",
      tools: [{ type: "function", name: "get_weather", description: "Weather of a city", parameters: WEATHER_SCHEMA, strict: true }],
    },
    sentTools: { tools: [{ type: "function", name: "get_weather", description: "Weather of a city", parameters: WEATHER_SCHEMA, strict: true }] },
    answer: (calls) => (request, res) =>
      streamed(request) ? writeResponsesFunctionCallStream(res, calls, RESPONSES_USAGE) : sendJson(res, 200, responseObject({ functionCalls: calls })),
    expected: { content: undefined, toolCalls: EXPECTED },
    textArguments: { invoke: true, stream: true },
  },
  {
    name: "Gemini",
    backend: "ai-studio",
    request: {
      provider: "google",
      model: "gemini-2.5-flash",
      contents: "Weather in Paris?",
      config: {
        tools: [{ functionDeclarations: [{ name: "get_weather", description: "Weather of a city", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] } }] }],
        toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      },
    },
    sentTools: {
      tools: [{ functionDeclarations: [{ name: "get_weather", description: "Weather of a city", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] } }] }],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
    },
    answer: (calls) => {
      const parts = calls.map((call) => ({ functionCall: { name: call.name, args: JSON.parse(call.arguments) } }));
      return (request, res) =>
        streamed(request)
          ? // each call whole, one per chunk; the finish reason and usage on a last chunk of their own
            writeGeminiChunks(res, [...parts.map((part) => geminiResponse([part])), geminiResponse([{ text: "" }], "STOP", GEMINI_USAGE)])
          : sendJson(res, 200, geminiResponse(parts, "STOP", GEMINI_USAGE));
    },
    // Gemini gives calls no id: the client names them by position and function
    expected: { content: undefined, toolCalls: [expectedCall("call_0_get_weather", CALLS[0]!), expectedCall("call_1_get_time", CALLS[1]!)] },
    textArguments: { invoke: false, stream: false },
  },
  {
    name: "Anthropic message",
    backend: "anthropic",
    request: {
      provider: "anthropic",
      model: "claude-sonnet-4",
      max_tokens: 200,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{ name: "get_weather", description: "Weather of a city", input_schema: WEATHER_SCHEMA }],
      tool_choice: { type: "auto" },
    },
    sentTools: { tools: [{ name: "get_weather", description: "Weather of a city", input_schema: WEATHER_SCHEMA }], tool_choice: { type: "auto" } },
    answer: (calls) => (request, res) => {
      const uses = calls.map((call, i) => ({ id: `toolu_${i + 1}`, name: call.name, input: call.arguments }));
      if (streamed(request)) return writeAnthropicToolUseStream(res, { calls: uses, startUsage: ANTHROPIC_USAGE });
      sendJson(
        res,
        200,
        anthropicMessage({
          content: [{ type: "text", text: "Let me check." }, ...uses.map((use) => ({ type: "tool_use", id: use.id, name: use.name, input: JSON.parse(use.input) }))],
          stopReason: "tool_use",
        }),
      );
    },
    expected: { content: "Let me check.", toolCalls: [expectedCall("toolu_1", CALLS[0]!), expectedCall("toolu_2", CALLS[1]!)] },
    textArguments: { invoke: false, stream: true },
  },
];

describe.each(SHAPES)("$name tool calls", (shape) => {
  it("invoke: complete toolCalls with parsed arguments, finish reason tool_calls", async () => {
    const upstream = await startFakeUpstream(shape.answer(CALLS));
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const answer = await invoke(client, { ...shape.request, userContext } as InvokeRequest);
    expect(upstream.requests[0]?.json()).toMatchObject(shape.sentTools);
    expect([answer.content, answer.finishReason, answer.toolCalls]).toEqual([shape.expected.content, "tool_calls", shape.expected.toolCalls]);
  });

  it("invokeStream: the calls assembled from the streamed pieces, on the last chunk only", async () => {
    const upstream = await startFakeUpstream(shape.answer(CALLS));
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const chunks = await collect(invokeStream(client, { ...shape.request, userContext } as InvokeRequest));
    expect(upstream.requests[0]?.json()).toMatchObject(shape.sentTools);
    const last = chunks.at(-1);
    expect([last?.finishReason, last?.toolCalls]).toEqual(["tool_calls", shape.expected.toolCalls]);
    expect(last?.tokenUsage).toBeDefined();
    expect(chunks.slice(0, -1).every((chunk) => chunk.toolCalls === undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.content ?? "").join("") || undefined).toBe(shape.expected.content);
  });

  it("collectStream: one response equal to invoke's", async () => {
    const upstream = await startFakeUpstream(shape.answer(CALLS));
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const request = { ...shape.request, userContext } as InvokeRequest;
    const whole = await invoke(client, request);
    const collected = await collectStream(invokeStream(client, request));
    expect(collected).toMatchObject({ finishReason: "tool_calls", toolCalls: whole.toolCalls, tokenUsage: whole.tokenUsage });
    expect(collected.content).toBe(whole.content);
    expect(Array.isArray(collected.rawResponse)).toBe(true);
    expect(collected.requestId).toEqual(expect.any(String));
  });
});

const brokenCall = (id: string): ToolCall => ({
  id,
  type: "function",
  function: { name: "get_weather", arguments: BROKEN[0]!.arguments },
  argumentsError: expect.stringContaining("not valid JSON"),
});

describe.each(SHAPES.filter((shape) => shape.textArguments.invoke || shape.textArguments.stream))("$name arguments that are not JSON", (shape) => {
  const id = shape.backend === "anthropic" ? "toolu_1" : "call_1";

  it.runIf(shape.textArguments.invoke)("invoke: reported in argumentsError, the text kept", async () => {
    const upstream = await startFakeUpstream(shape.answer(BROKEN));
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const answer = await invoke(client, { ...shape.request, userContext } as InvokeRequest);
    expect(answer.toolCalls).toEqual([brokenCall(id)]);
    expect(answer.toolCalls?.[0]).not.toHaveProperty("parsedArguments");
  });

  it.runIf(shape.textArguments.stream)("invokeStream: reported in argumentsError, the text kept", async () => {
    // Anthropic's non-stream answer has parsed input; its stream carries JSON text.
    const upstream = await startFakeUpstream(
      shape.backend === "anthropic"
        ? (_request, res) => writeAnthropicToolUseStream(res, { calls: [{ id, name: "get_weather", input: BROKEN[0]!.arguments }] })
        : shape.answer(BROKEN),
    );
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const answer = await collectStream(invokeStream(client, { ...shape.request, userContext } as InvokeRequest));
    expect(answer.toolCalls).toEqual([brokenCall(id)]);
  });
});
