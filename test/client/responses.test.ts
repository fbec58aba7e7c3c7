// Answers as users get them: content, usage, raw response, normalised finish
// reason and tool calls, in-band errors, batch mapping by custom id, and
// every gRPC status as its typed error.
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CancelledError,
  ConflictError,
  DeadlineExceededError,
  IncompleteAnswerError,
  InternalError,
  invoke,
  invokeBatch,
  invokeStream,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ProviderError,
  RateLimitError,
  TamarModelError,
  UnavailableError,
  getTaskStatus,
  batchGetTaskStatus,
  type BatchItem,
  type InvokeRequest,
} from "tamar-model-client";
import { setup, userContext } from "../helpers/setup.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

const rawShapes: [string, unknown, unknown][] = [
  [
    "OpenAI chat",
    { choices: [{ finish_reason: "tool_calls", message: { tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] } }] },
    { finishReason: "tool_calls", toolCalls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
  ],
  ["OpenAI chat chunk", { choices: [{ delta: {}, finish_reason: "length" }] }, { finishReason: "length" }],
  [
    "OpenAI Responses",
    { object: "response", status: "completed", output: [{ type: "function_call", call_id: "c2", name: "g", arguments: "{}" }] },
    { finishReason: "tool_calls", toolCalls: [{ id: "c2", type: "function", function: { name: "g", arguments: "{}" } }] },
  ],
  [
    "OpenAI Responses stream event",
    { type: "response.completed", response: { object: "response", status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [] } },
    { finishReason: "length" },
  ],
  [
    "Google",
    { candidates: [{ finishReason: "STOP", content: { parts: [{ functionCall: { name: "h", args: { q: "x" } } }] } }] },
    { finishReason: "tool_calls", toolCalls: [{ id: "call_0_h", type: "function", function: { name: "h", arguments: '{"q":"x"}' } }] },
  ],
  ["Google safety", { candidates: [{ finishReason: "SAFETY" }] }, { finishReason: "content_filter" }],
  [
    "Anthropic",
    { type: "message", stop_reason: "tool_use", content: [{ type: "text", text: "x" }, { type: "tool_use", id: "t1", name: "k", input: { n: 1 } }] },
    { finishReason: "tool_calls", toolCalls: [{ id: "t1", type: "function", function: { name: "k", arguments: '{"n":1}' } }] },
  ],
  ["Anthropic stream delta", { type: "message_delta", delta: { stop_reason: "end_turn" } }, { finishReason: "stop" }],
];

describe("ModelResponse", () => {
  it.each(rawShapes)("normalises %s finish reason and tool calls", async (_shape, raw, expected) => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "", rawResponse: JSON.stringify(raw), usage: '{"input_tokens":2,"output_tokens":3}' };
    };
    const response = await invoke(client, request);
    expect(response).toMatchObject({ ...(expected as object), rawResponse: raw, usage: { input_tokens: 2, output_tokens: 3 } });
    expect(response).not.toHaveProperty("content");
  });

  it("keeps a raw response that is not JSON as text instead of throwing", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "x", rawResponse: "not json", usage: "{broken" };
    };
    const response = await invoke(client, request);
    expect(response).toEqual({ content: "x", rawResponse: "not json", requestId: expect.any(String) });
  });

  it("an in-band provider error throws a ProviderError with the text and request id", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { error: "model overloaded", rawResponse: '{"code":529}' };
    };
    const error = await invoke(client, request, { requestId: "req-p" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ providerMessage: "model overloaded", requestId: "req-p", response: { rawResponse: { code: 529 } } });
    expect((error as Error).message).toBe("Provider error: model overloaded (request id req-p)");
    const streamed = await invokeStream(client, request, { requestId: "req-q" })
      .next()
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(ProviderError);
  });

  it("invoke reads the call to its end: an error status after the answer surfaces", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "partial" };
      throw new ServerError(Status.INTERNAL, "crashed after answering");
    };
    await expect(invoke(client, request)).rejects.toBeInstanceOf(InternalError);
  });

  it("invoke fails clearly when the server ends without an answer", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {};
    await expect(invoke(client, request)).rejects.toThrow(/ended the call without an answer/);
  });
});

describe("batch", () => {
  const items: [BatchItem, BatchItem, BatchItem] = [
    { customId: "q1", provider: "openai", model: "m", messages: [{ role: "user", content: "a" }] },
    { customId: "q2", provider: "google", model: "g", contents: "b" },
    { provider: "anthropic", model: "c", max_tokens: 5, messages: [{ role: "user", content: "c" }] },
  ];

  it("maps answers by custom id, whatever their order; failed items keep their own error", async () => {
    const { server, client } = await setup();
    server.batchInvoke = async (req) => ({
      items: [
        { customId: req.items[2]!.customId, content: "third" },
        { customId: "q2", error: "quota" },
        { customId: "q1", content: "first" },
      ],
    });
    const batch = await invokeBatch(client, { userContext, items: [...items] });
    expect(batch.responses.map((r) => [r.customId, r.content ?? r.error])).toEqual([
      ["q1", "first"],
      ["q2", "quota"],
      ["#2", "third"],
    ]);
    expect(batch.byCustomId.get("q2")?.error).toBe("quota");
    const sent = server.calls[0]!.request as { items: { customId: string; orgId: string }[] };
    expect(sent.items.map((item) => [item.customId, item.orgId])).toEqual([["q1", "org-1"], ["q2", "org-1"], ["#2", "org-1"]]);
  });

  it("an item the server did not answer gets an error saying so", async () => {
    const { server, client } = await setup();
    server.batchInvoke = async () => ({ items: [{ customId: "q1", content: "only one" }] });
    const batch = await invokeBatch(client, { userContext, items: [...items] });
    expect(batch.responses[1]).toMatchObject({ customId: "q2", error: expect.stringContaining("no answer") });
  });

  it.each([
    ["unknown", [{ customId: "zz", content: "?" }]],
    ["repeated", [{ customId: "q1", content: "a" }, { customId: "q1", content: "b" }]],
    ["missing", [{ content: "no id" }]],
  ])("answers with %s custom ids fail the call instead of being matched by position", async (_kind, answers) => {
    const { server, client } = await setup();
    server.batchInvoke = async () => ({ items: answers });
    await expect(invokeBatch(client, { userContext, items: [...items] })).rejects.toBeInstanceOf(InternalError);
  });

  it("priority and customId travel on batch items", async () => {
    const { server, client } = await setup();
    await invokeBatch(client, { userContext, items: [{ ...items[0], priority: 0 }, { ...items[1], priority: 5 }] });
    const sent = server.calls[0]!.request as { items: { priority?: number }[] };
    expect(sent.items.map((item) => item.priority)).toEqual([0, 5]);
  });
});

describe("task status", () => {
  it("reads one or several task states", async () => {
    const { client } = await setup();
    expect(await getTaskStatus(client, "t1")).toEqual({ taskId: "t1", status: "completed", resultData: { ok: true } });
    expect(await batchGetTaskStatus(client, ["a", "b"])).toEqual([
      { taskId: "a", status: "processing" },
      { taskId: "b", status: "processing" },
    ]);
  });
});

describe("gRPC status → typed error", () => {
  const table: [Status, new (...args: never[]) => TamarModelError, boolean][] = [
    [Status.CANCELLED, CancelledError, false],
    [Status.UNKNOWN, InternalError, false],
    [Status.INVALID_ARGUMENT, InvalidArgumentError, false],
    [Status.DEADLINE_EXCEEDED, DeadlineExceededError, false],
    [Status.NOT_FOUND, NotFoundError, false],
    [Status.ALREADY_EXISTS, ConflictError, false],
    [Status.PERMISSION_DENIED, PermissionDeniedError, false],
    [Status.RESOURCE_EXHAUSTED, RateLimitError, true],
    [Status.FAILED_PRECONDITION, InvalidArgumentError, false],
    [Status.ABORTED, ConflictError, false],
    [Status.OUT_OF_RANGE, InvalidArgumentError, false],
    [Status.UNIMPLEMENTED, NotFoundError, false],
    [Status.INTERNAL, InternalError, false],
    [Status.UNAVAILABLE, UnavailableError, true],
    [Status.DATA_LOSS, IncompleteAnswerError, false],
    [Status.UNAUTHENTICATED, AuthenticationError, false],
  ];
  it.each(table)("status %s", async (code, ErrorClass, retryable) => {
    const { server, client } = await setup({ client: { maxRetries: 0 } });
    server.invoke = () => {
      throw new ServerError(code, "details here");
    };
    const error = await invoke(client, request, { requestId: "req-s" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(TamarModelError);
    expect(error).toMatchObject({ code, requestId: "req-s", retryable, name: ErrorClass.name });
    expect((error as Error).message).toBe(`${Status[code]}: details here (request id req-s)`);
  });
});
