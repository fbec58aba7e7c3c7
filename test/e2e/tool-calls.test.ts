/**
 * A tool-call answer in each provider's shape (OpenAI Chat, OpenAI Responses,
 * Gemini, Anthropic) reaches the user as `toolCalls` in the OpenAI Chat shape
 * with finish reason `tool_calls`; the tool definitions reach the provider as
 * the user wrote them.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { type InvokeRequest, invoke, invokeStream, type ToolCall } from "tamar-model-client";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { collect } from "../helpers/grpc-client.js";
import { anthropicMessage } from "../helpers/provider-wire/anthropic.js";
import { GEMINI_USAGE, geminiResponse, writeGeminiChunks } from "../helpers/provider-wire/gemini.js";
import { chatCompletion, responseObject, writeResponsesStream } from "../helpers/provider-wire/openai.js";
import { type BackendName, type RequestOf, startStack, userContext } from "./helpers/stack.js";

const WEATHER_SCHEMA = { type: "object", properties: { city: { type: "string" } }, required: ["city"] } as const;
const ARGUMENTS = '{"city":"Paris"}';
const toolCall = (id: string): ToolCall => ({ id, type: "function", function: { name: "get_weather", arguments: ARGUMENTS } });
const call = { id: "call_1", name: "get_weather", arguments: ARGUMENTS };

interface Shape {
  readonly name: string;
  readonly backend: BackendName;
  readonly request: RequestOf;
  /** Part of the provider request body that carries the tools. */
  readonly sentTools: object;
  readonly answer: (request: RecordedRequest, res: ServerResponse) => void;
  /** What the user gets (finish reason `tool_calls`): from `invoke`, and on the last chunk of `invokeStream` where the shape streams whole calls. */
  readonly expected: { readonly content: string | undefined; readonly toolCalls: ToolCall[] };
  readonly streams: boolean;
}

const geminiCall = geminiResponse([{ functionCall: { name: "get_weather", args: { city: "Paris" } } }], "STOP", GEMINI_USAGE);

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
    answer: (_request, res) => sendJson(res, 200, chatCompletion({ toolCalls: [call] })),
    expected: { content: undefined, toolCalls: [toolCall("call_1")] },
    // Chat streams carry tool calls in argument fragments, which the client does not assemble.
    streams: false,
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
    // response.completed carries the whole response, function calls included
    answer: (request, res) => {
      const response = responseObject({ functionCalls: [call] });
      if (request.json().stream) writeResponsesStream(res, [], response);
      else sendJson(res, 200, response);
    },
    expected: { content: undefined, toolCalls: [toolCall("call_1")] },
    streams: true,
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
    // a stream sends each function call whole, in one chunk
    answer: (request, res) => (request.path.endsWith(":streamGenerateContent") ? writeGeminiChunks(res, [geminiCall]) : sendJson(res, 200, geminiCall)),
    // Gemini gives calls no id: the client names them by position and function
    expected: { content: undefined, toolCalls: [toolCall("call_0_get_weather")] },
    streams: true,
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
    answer: (_request, res) =>
      sendJson(
        res,
        200,
        anthropicMessage({
          content: [
            { type: "text", text: "Let me check." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
          stopReason: "tool_use",
        }),
      ),
    expected: { content: "Let me check.", toolCalls: [toolCall("toolu_1")] },
    // Anthropic streams tool input as JSON fragments, which the client does not assemble.
    streams: false,
  },
];

describe.each(SHAPES)("$name tool call", (shape) => {
  it("invoke: toolCalls in the OpenAI Chat shape, finish reason tool_calls", async () => {
    const upstream = await startFakeUpstream(shape.answer);
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const answer = await invoke(client, { ...shape.request, userContext } as InvokeRequest);
    expect(upstream.requests[0]?.json()).toMatchObject(shape.sentTools);
    expect([answer.content, answer.finishReason, answer.toolCalls]).toEqual([shape.expected.content, "tool_calls", shape.expected.toolCalls]);
  });
});

describe.each(SHAPES.filter((shape) => shape.streams))("$name tool call, streamed", (shape) => {
  it("invokeStream: the chunk that completes the call carries toolCalls", async () => {
    const upstream = await startFakeUpstream(shape.answer);
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const chunks = await collect(invokeStream(client, { ...shape.request, userContext } as InvokeRequest));
    expect(upstream.requests[0]?.json()).toMatchObject(shape.sentTools);
    const last = chunks.at(-1);
    expect([last?.content, last?.finishReason, last?.toolCalls]).toEqual([shape.expected.content, "tool_calls", shape.expected.toolCalls]);
    expect(chunks.slice(0, -1).every((chunk) => chunk.toolCalls === undefined)).toBe(true);
  });
});
