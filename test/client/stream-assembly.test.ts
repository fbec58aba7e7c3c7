// Stream totals and usage at the client, against a Model Manager that forwards the
// provider's raw events as they come (usage left in the raw events, or on
// several chunks): the last chunk carries the merged usage and the tool calls
// assembled from the pieces; text chunks are never held back; what arrived
// before a failure is delivered.
import { describe, expect, it } from "vitest";
import { ServerError, Status } from "nice-grpc";
import { collectStream, type InvokeRequest, invoke, invokeStream, type ModelResponse, StreamInterruptedError } from "tamar-model-client";
import { deferred } from "../helpers/deferred.js";
import { setup, userContext } from "../helpers/setup.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };
const wire = (raw: object, content = "", usage?: object) => ({ content, rawResponse: JSON.stringify(raw), usage: usage ? JSON.stringify(usage) : "" });

async function streamOf(items: ReturnType<typeof wire>[], { requireFinishReason = true } = {}): Promise<ModelResponse[]> {
  const { server, client } = await setup({ client: { requireFinishReason } });
  server.invoke = async function* () {
    yield* items;
  };
  const chunks: ModelResponse[] = [];
  for await (const chunk of invokeStream(client, request)) chunks.push(chunk);
  return chunks;
}

describe("stream totals", () => {
  it("Anthropic events with usage only in the raw events: merged, on the last chunk", async () => {
    const chunks = await streamOf([
      wire({ type: "message_start", message: { type: "message", usage: { input_tokens: 7, output_tokens: 1, cache_read_input_tokens: 3 } } }),
      wire({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "f", input: {} } }),
      wire({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } }),
      wire({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "[1,2]}" } }),
      wire({ type: "content_block_stop", index: 0 }),
      wire({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }),
      wire({ type: "message_stop" }),
    ]);
    expect(chunks).toHaveLength(7);
    expect(chunks[0]?.tokenUsage).toEqual({ inputTokens: 10, outputTokens: 1, totalTokens: 11, cachedInputTokens: 3 });
    expect(chunks.at(-1)).toMatchObject({
      usage: { input_tokens: 7, output_tokens: 9, cache_read_input_tokens: 3 },
      tokenUsage: { inputTokens: 10, outputTokens: 9, totalTokens: 19, cachedInputTokens: 3 },
      finishReason: "tool_calls",
      toolCalls: [{ id: "toolu_1", type: "function", function: { name: "f", arguments: '{"a":[1,2]}' }, parsedArguments: { a: [1, 2] } }],
    });
  });

  it("a Gemini stream whose last chunk has text and no usage: the last chunk still carries the usage", async () => {
    const usage = { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 };
    const chunks = await streamOf([
      wire({ candidates: [{ content: { parts: [{ text: "Hi" }] } }] }, "Hi", usage),
      wire({ candidates: [{ content: { parts: [{ functionCall: { name: "f", args: { q: 1 } } }] } }] }),
      wire({ candidates: [{ content: { parts: [{ text: " there" }] }, finishReason: "STOP" }] }, " there"),
    ]);
    expect(chunks.map((chunk) => chunk.content)).toEqual(["Hi", undefined, " there"]);
    expect(chunks.at(-1)).toMatchObject({
      usage,
      tokenUsage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      finishReason: "tool_calls",
      toolCalls: [{ id: "call_0_f", function: { name: "f", arguments: '{"q":1}' }, parsedArguments: { q: 1 } }],
    });
  });

  it("a stream whose last chunk was text delivered before the end gets one more chunk with the totals", async () => {
    const chunks = await streamOf([
      wire({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "f", arguments: "{}" } }] }, finish_reason: "tool_calls" }] }),
      wire({ choices: [{ index: 0, delta: { content: "late" }, finish_reason: null }] }, "late"),
    ]);
    expect(chunks).toHaveLength(3);
    expect(chunks[2]).toEqual({
      requestId: expect.any(String),
      finishReason: "tool_calls",
      toolCalls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" }, parsedArguments: {} }],
    });
  });

  it("adds no chunk when the last one already carried everything", async () => {
    const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
    const chunks = await streamOf([
      wire({ choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] }, "a"),
      wire({ choices: [{ index: 0, delta: { content: "b" }, finish_reason: "stop" }] }, "b", usage),
    ]);
    expect(chunks.map((chunk) => chunk.content)).toEqual(["a", "b"]);
    expect(chunks[1]?.tokenUsage).toEqual({ inputTokens: 1, outputTokens: 1, totalTokens: 2 });
  });

  it("never holds text back: a text chunk reaches the caller before the next one is sent", async () => {
    const { server, client } = await setup();
    const seen = deferred();
    server.invoke = async function* () {
      yield wire({ choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: null }] });
      yield wire({ choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] }, "a");
      await seen.promise;
      yield wire({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    };
    const contents: (string | undefined)[] = [];
    for await (const chunk of invokeStream(client, request)) {
      contents.push(chunk.content);
      if (chunk.content === "a") seen.resolve();
    }
    expect(contents).toEqual([undefined, "a", undefined]);
  });

  it("delivers a held chunk before the failure that follows it", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield wire({ choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] }, "a");
      yield wire({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      throw new ServerError(Status.INTERNAL, "boom");
    };
    const chunks: ModelResponse[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of invokeStream(client, request, { requestId: "r-1" })) chunks.push(chunk);
      } catch (error) {
        return error;
      }
    })();
    expect(chunks.map((chunk) => chunk.finishReason)).toEqual([undefined, "stop"]);
    expect(failure).toBeInstanceOf(StreamInterruptedError);
    expect((failure as StreamInterruptedError).chunksReceived).toBe(2);
  });

  it("collectStream joins the text and keeps every raw chunk", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield wire({ choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] }, "a");
      yield wire({ choices: [{ index: 0, delta: { content: "b" }, finish_reason: "stop" }] }, "b");
      yield wire({ choices: [] }, "", { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
    };
    const answer = await collectStream(invokeStream(client, request, { requestId: "r-2" }));
    expect(answer).toEqual({
      content: "ab",
      usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 },
      tokenUsage: { inputTokens: 2, outputTokens: 2, totalTokens: 4 },
      finishReason: "stop",
      requestId: "r-2",
      rawResponse: [expect.anything(), expect.anything(), { choices: [] }],
    });
  });

  it("Responses function calls from added / arguments.delta / arguments.done events, without a completed response", async () => {
    const item = (id: string, call_id: string, name: string) => ({ type: "function_call", id, call_id, name, arguments: "", status: "in_progress" });
    const chunks = await streamOf([
      wire({ type: "response.output_item.added", output_index: 0, item: item("fc_0", "call_a", "f") }),
      wire({ type: "response.output_item.added", output_index: 1, item: item("fc_1", "call_b", "g") }),
      wire({ type: "response.function_call_arguments.delta", item_id: "fc_0", output_index: 0, delta: '{"x"' }),
      wire({ type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 1, delta: '{"y":2}' }),
      wire({ type: "response.function_call_arguments.delta", item_id: "fc_0", output_index: 0, delta: ":1}" }),
      wire({ type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 1, arguments: '{"y":2}' }),
      // No response.completed: a stream whose end the client must not require.
    ], { requireFinishReason: false });
    expect(chunks.at(-1)?.toolCalls).toEqual([
      { id: "call_a", type: "function", function: { name: "f", arguments: '{"x":1}' }, parsedArguments: { x: 1 } },
      { id: "call_b", type: "function", function: { name: "g", arguments: '{"y":2}' }, parsedArguments: { y: 2 } },
    ]);
  });

  it("the deprecated chat function_call streamed in fragments", async () => {
    const chunks = await streamOf([
      wire({ choices: [{ index: 0, delta: { function_call: { name: "f", arguments: "" } }, finish_reason: null }] }),
      wire({ choices: [{ index: 0, delta: { function_call: { arguments: '{"k":' } }, finish_reason: null }] }),
      wire({ choices: [{ index: 0, delta: { function_call: { arguments: '"v"}' } }, finish_reason: "function_call" }] }),
    ]);
    expect(chunks.at(-1)).toMatchObject({ finishReason: "function_call", toolCalls: [{ id: "", function: { name: "f", arguments: '{"k":"v"}' }, parsedArguments: { k: "v" } }] });
  });

  it("only choice 0 of a multi-choice chat stream is assembled", async () => {
    const fragment = (index: number, name: string) => ({ index: 0, id: `c${index}`, function: { name, arguments: "{}" } });
    const chunks = await streamOf([
      wire({ choices: [{ index: 1, delta: { tool_calls: [fragment(1, "other")] }, finish_reason: null }] }),
      wire({ choices: [{ index: 0, delta: { tool_calls: [fragment(0, "mine")] }, finish_reason: "tool_calls" }] }),
    ]);
    expect(chunks.at(-1)?.toolCalls?.map((call) => call.function.name)).toEqual(["mine"]);
  });
});

describe("usage of a whole answer", () => {
  const usageOf = async (item: ReturnType<typeof wire>) => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield item;
    };
    return invoke(client, request);
  };

  it("Gemini usage dumped in snake_case by a Python server", async () => {
    const usage = { prompt_token_count: 4, candidates_token_count: 3, thoughts_token_count: 2, cached_content_token_count: 1, total_token_count: 9 };
    const answer = await usageOf(wire({ candidates: [{ finish_reason: "STOP", content: { parts: [{ text: "x" }] } }] }, "x", usage));
    expect(answer).toMatchObject({ usage, finishReason: "stop", tokenUsage: { inputTokens: 4, outputTokens: 5, totalTokens: 9, cachedInputTokens: 1, reasoningTokens: 2 } });
  });

  it("read from the raw response when the server leaves usage empty", async () => {
    const answer = await usageOf(wire({ object: "chat.completion", choices: [{ finish_reason: "stop", message: { content: "x" } }], usage: { prompt_tokens: 2, completion_tokens: 3 } }, "x"));
    expect(answer.usage).toBeUndefined();
    expect(answer.tokenUsage).toEqual({ inputTokens: 2, outputTokens: 3, totalTokens: 5 });
  });

  it("absent when the provider reported no token counts (Imagen's empty usage)", async () => {
    const answer = await usageOf(wire({ generatedImages: [] }, "", {}));
    expect(answer.usage).toEqual({});
    expect(answer).not.toHaveProperty("tokenUsage");
  });
});

