// Every kind of bad input is a ValidationError naming each offending path,
// raised before any network I/O: the server sees no call and the client's
// channel never leaves IDLE (it never tried to connect).
import { connectivityState } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { type BatchRequest, invoke, invokeBatch, invokeStream, type ModelClient, ValidationError } from "tamar-model-client";
import { setup, userContext } from "../helpers/setup.js";

const chat = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext };
const google = { provider: "google", model: "gemini-2.5-flash", contents: "hi", userContext };
const cyclic: Record<string, unknown> = { a: 1 };
cyclic["self"] = cyclic;

// [what is wrong, request, [path, message fragment][]]
const cases: [string, unknown, [string, string][]][] = [
  ["not an object", "hello", [["", "must be an object"]]],
  ["null", null, [["", "must be an object"]]],
  ["unknown provider", { ...chat, provider: "openia" }, [["provider", "must be one of"]]],
  ["invoke type the provider lacks", { ...google, invokeType: "chat-completions" }, [["invokeType", "not supported for google"]]],
  ["missing required fields", { provider: "openai", messages: chat.messages }, [["model", "required"], ["userContext", "required"]]],
  ["empty model", { ...chat, model: "" }, [["model", "must not be empty"]]],
  ["wrong types", { ...chat, temperature: "hot", n: 1.5 }, [["temperature", "Expected number"], ["n", "integer"]]],
  ["a field of another API", { ...chat, input: "hi" }, [["input", "belongs to invokeType responses"]]],
  ["unknown fields, each named", { ...chat, foo: 1, bar: 2 }, [["foo", "extra_body"], ["bar", "extra_body"]]],
  ["a Python-only option", { ...chat, timeout: 5 }, [["timeout", "timeoutMs"]]],
  ["Google temperature at top level", { ...google, temperature: 0.2 }, [["temperature", "config.temperature"]]],
  ["Google config in snake_case", { ...google, config: { max_output_tokens: 5 } }, [["config.max_output_tokens", "did you mean maxOutputTokens"]]],
  ["Google unknown field", { ...google, safety: 1 }, [["safety", "config.httpOptions.extraBody"]]],
  ["a bad role", { ...chat, messages: [{ role: "robot", content: "x" }] }, [["messages.0.role", "Expected"]]],
  ["a bad content part", { ...chat, messages: [{ role: "user", content: [{ text: "x" }] }] }, [["messages.0.content.0.type", "required"]]],
  ["no messages", { ...chat, messages: [] }, [["messages", "at least one message"]]],
  ["bad user context", { ...chat, userContext: { orgId: "", userId: "u", client_type: "x" } }, [["userContext.client_type", "did you mean clientType"], ["userContext.orgId", "must not be empty"], ["userContext.clientType", "required"]]],
  ["Anthropic without max_tokens", { provider: "anthropic", model: "claude", messages: chat.messages, userContext }, [["max_tokens", "required"]]],
  ["an image quality no model knows", { provider: "openai", prompt: "cat", quality: "ultra", userContext }, [["quality", "Expected"]]],
  ["a malformed image size", { provider: "openai", prompt: "cat", size: "big", userContext }, [["size", "<width>x<height>"]]],
  ["a bigint", { ...chat, response_format: { type: "json_schema", json_schema: { max: 10n } } }, [["response_format.json_schema.max", "bigint"]]],
  ["a function", { ...chat, tools: [{ type: "function", function: { name: "f", parameters: { run: () => 1 } } }] }, [["tools.0.function.parameters.run", "function"]]],
  ["a symbol", { ...chat, metadata: { tag: Symbol("x") } }, [["metadata.tag", "Expected string"]]],
  ["non-finite numbers", { ...chat, temperature: Number.NaN, top_p: Infinity }, [["temperature", "NaN"], ["top_p", "Infinity"]]],
  ["an integer beyond 2^53", { ...chat, seed: 2 ** 60 }, [["seed", "beyond 2^53"]]],
  ["an invalid Date", { ...chat, extra_body: { at: new Date(Number.NaN) } }, [["extra_body.at", "invalid Date"]]],
  ["undefined inside a free-form list", { ...chat, extra_body: { list: [1, undefined] } }, [["extra_body.list.1", "undefined inside a list"]]],
  ["a cycle", { ...chat, extra_body: cyclic }, [["extra_body.self", "circular"]]],
  ["a Map", { ...chat, extra_body: { m: new Map() } }, [["extra_body.m", "Map"]]],
  ["undefined inside a list", { ...chat, stop: ["a", undefined] }, [["stop.1", "Expected string"]]],
  ["stream: true on invoke", { ...chat, stream: true }, [["stream", "invokeStream"]]],
];

async function expectRejectedOffline(client: ModelClient, calls: unknown[], run: () => Promise<unknown>, expected: [string, string][]) {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  const { issues } = error as ValidationError;
  for (const [path, fragment] of expected) {
    expect(issues, `${path}: ${fragment}`).toContainEqual({ path, message: expect.stringContaining(fragment) });
  }
  expect(issues).toHaveLength(expected.length);
  expect((error as Error).message).toContain(expected[0]![1]);
  expect(calls).toHaveLength(0);
  expect(client.channel.getConnectivityState(false)).toBe(connectivityState.IDLE);
}

describe("ValidationError before any I/O", () => {
  it.each(cases)("%s", async (_what, request, expected) => {
    const { server, client } = await setup();
    await expectRejectedOffline(client, server.calls, () => invoke(client, request as never), expected);
  });

  it("invokeStream rejects stream: false, and fails on the first next() with nothing sent", async () => {
    const { server, client } = await setup();
    const stream = invokeStream(client, { ...chat, stream: false } as never);
    await expectRejectedOffline(client, server.calls, () => stream.next(), [["stream", "always streams"]]);
  });

  it("a bad call option is a ValidationError too", async () => {
    const { server, client } = await setup();
    await expectRejectedOffline(client, server.calls, () => invoke(client, chat as never, { timeoutMs: -1 }), [["options.timeoutMs", "positive"]]);
  });

  it("batch items are checked one by one, with item paths; duplicate custom ids are refused", async () => {
    const { server, client } = await setup();
    const batch = {
      userContext,
      items: [
        { customId: "a", provider: "openai", model: "m", messages: chat.messages, priority: 1.5 },
        { customId: "a", provider: "google", contents: "x" },
        { customId: "c", provider: "openai", model: "m", messages: chat.messages, stream: true },
      ],
    } as unknown as BatchRequest;
    await expectRejectedOffline(client, server.calls, () => invokeBatch(client, batch), [
      ["items.1.customId", "duplicate customId"],
      ["items.0.priority", "integer"],
      ["items.1.model", "required"],
      ["items.2.stream", "never streamed"],
    ]);
  });

  it("values a Struct cannot carry are named by item index and field, in checked and unchecked items alike", async () => {
    const { server, client } = await setup();
    const unchecked = (params: Record<string, unknown>) => ({ unchecked: { provider: "openai", invokeType: "chat-completions", params } });
    const batch = {
      userContext,
      items: [
        { provider: "openai", model: "m", messages: chat.messages },
        { provider: "openai", model: "m", messages: chat.messages, extra_body: { big: 2n ** 64n, list: [1, undefined] } },
        unchecked({ model: "m", nested: { cycle: cyclic } }),
        unchecked({ model: "m", temperature: Number.NaN }),
        { provider: "openai", model: "m", messages: chat.messages, extra_body: { when: new Date(Number.NaN) } },
      ],
    } as unknown as BatchRequest;
    await expectRejectedOffline(client, server.calls, () => invokeBatch(client, batch), [
      ["items.1.extra_body.big", "bigint cannot be sent"],
      ["items.1.extra_body.list.1", "undefined inside a list"],
      ["items.2.unchecked.params.nested.cycle.self", "circular reference"],
      ["items.3.unchecked.params.temperature", "only finite numbers"],
      ["items.4.extra_body.when", "invalid Date"],
    ]);
  });

  it("a hole in a sparse items list is refused like an undefined item, not sent as a missing item", async () => {
    const { server, client } = await setup();
    const items = [, { provider: "openai", model: "m", messages: chat.messages }];
    await expectRejectedOffline(client, server.calls, () => invokeBatch(client, { userContext, items } as unknown as BatchRequest), [
      ["items.0", "must be an object"],
    ]);
  });

  it("a batch item with a misplaced field gets a hint about the batch, not about another invoke type", async () => {
    const { server, client } = await setup();
    const batch = {
      userContext,
      items: [
        { provider: "openai", model: "m", messages: chat.messages, userContext },
        { provider: "anthropic", model: "c", max_tokens: 5, messages: chat.messages, user_context: userContext },
        { provider: "google", model: "g", contents: "x", stream: true },
      ],
    } as unknown as BatchRequest;
    const error = await invokeBatch(client, batch).catch((caught: unknown) => caught);
    expect((error as ValidationError).issues).toEqual([
      { path: "items.0.userContext", message: "unknown field: userContext belongs on the batch ({ userContext, items }), not on its items" },
      { path: "items.1.user_context", message: "unknown field: userContext belongs on the batch ({ userContext, items }), not on its items" },
      { path: "items.2.stream", message: "unknown field: batch items are never streamed" },
    ]);
    expect(server.calls).toHaveLength(0);
  });

  it("a batch without a user context or with unknown envelope fields is refused", async () => {
    const { server, client } = await setup();
    const batch = { items: [], user_context: userContext } as unknown as BatchRequest;
    await expectRejectedOffline(client, server.calls, () => invokeBatch(client, batch), [
      ["userContext", "required"],
      ["user_context", "unknown field"],
    ]);
  });
});
