// The server against bad input sent as raw protobuf bytes (no generated
// encoder in the way): malformed Struct contents, odd Value kinds, unknown
// provider or invoke type, oversized and undecodable messages. Each gets a
// clear status, nothing pollutes Object.prototype, and the server keeps
// serving on the same connection.
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ModelResponse, ModelResponseItem } from "../../src/gen/model_service/model_service.js";
import { signToken } from "../helpers/tokens.js";
import {
  boolField,
  concat,
  doubleField,
  type Field,
  messageField,
  stringField,
  structEntry,
  uintField,
} from "../helpers/wire-bytes.js";
import { report } from "./helpers/report.js";
import { startLoggedServer } from "./helpers/stack.js";

// Value kinds (google.protobuf.Value).
const text = (value: string) => stringField(3, value);
const number = (value: number) => doubleField(2, value);
const flag = (value: boolean) => boolField(4, value);
const object = (...entries: Field[]) => messageField(5, ...entries);
const list = (...values: Field[]) => messageField(6, ...values.map((value) => messageField(1, value)));
const noKind: Field = new Uint8Array(0);

const userMessage = object(structEntry("role", text("user")), structEntry("content", text("hi")));

/** A ModelRequestItem: routing fields by number (provider 1, invoke_type 3, stream 4, org 5, user 6), extra = 10. */
function requestItem({ provider = "openai", invokeType = "chat-completions", stream = false, extra = [] as Field[], more = [] as Field[] } = {}): Uint8Array {
  return concat(
    stringField(1, provider),
    stringField(3, invokeType),
    ...(stream ? [boolField(4, true)] : []),
    stringField(5, "org-1"),
    stringField(6, "user-1"),
    messageField(10, ...extra),
    ...more,
  );
}

const chatExtra = (...more: Field[]) => [structEntry("model", text("m")), structEntry("messages", list(userMessage)), ...more];

function nestedObjects(levels: number): Field {
  let value = text("bottom");
  for (let level = 0; level < levels; level++) value = object(structEntry("next", value));
  return value;
}

interface Outcome {
  code: grpc.status;
  details: string;
  messages: ModelResponseItem[];
}

/** Sends `bytes` as the Invoke request message, as they are. */
function rawInvoke(client: grpc.Client, bytes: Uint8Array, metadata: grpc.Metadata): Promise<Outcome> {
  return new Promise((resolve) => {
    const messages: ModelResponseItem[] = [];
    const call = client.makeServerStreamRequest(
      "/model_service.ModelService/Invoke",
      (message: Buffer) => message,
      (message: Buffer) => ModelResponseItem.decode(message),
      Buffer.from(bytes),
      metadata,
    );
    call.on("data", (message: ModelResponseItem) => messages.push(message));
    call.on("error", () => {}); // the status below says it all
    call.on("status", (status) => resolve({ code: status.code, details: status.details, messages }));
  });
}

/** Sends `bytes` as the BatchInvoke request message. */
function rawBatch(client: grpc.Client, bytes: Uint8Array, metadata: grpc.Metadata): Promise<Outcome> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      "/model_service.ModelService/BatchInvoke",
      (message: Buffer) => message,
      (message: Buffer) => ModelResponse.decode(message),
      Buffer.from(bytes),
      metadata,
      (error, reply) => resolve({ code: error?.code ?? grpc.status.OK, details: error?.details ?? "", messages: reply?.items ?? [] }),
    );
  });
}

const MAX_MESSAGE_BYTES = 64 * 1024;

// [what is sent, request bytes, expected status, text the details must contain]
const CASES: Array<[string, Uint8Array, grpc.status, string]> = [
  ["bytes that are no protobuf", Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]), grpc.status.INTERNAL, "Error deserializing request"],
  ["a truncated message", requestItem({ extra: chatExtra() }).slice(0, -3), grpc.status.INTERNAL, "Error deserializing request"],
  ["Struct nested 200 levels (past the decoders' limit)", requestItem({ extra: chatExtra(structEntry("extra_body", nestedObjects(200))) }), grpc.status.INTERNAL, "Error deserializing request"],
  ["an empty message (no tenant either: the token's tenant is checked first)", new Uint8Array(0), grpc.status.PERMISSION_DENIED, 'org_id ""'],
  ["provider sent as a number (wrong wire type)", concat(uintField(1, 7), requestItem({ extra: chatExtra() }).subarray(stringField(1, "openai").length)), grpc.status.INVALID_ARGUMENT, "provider is required"],
  ["unknown provider", requestItem({ provider: "deepseek", extra: chatExtra() }), grpc.status.INVALID_ARGUMENT, 'provider "deepseek" is not supported'],
  ["unknown invoke type", requestItem({ invokeType: "video-edit-generation", extra: chatExtra() }), grpc.status.INVALID_ARGUMENT, 'invoke_type "video-edit-generation" is not supported'],
  ["a Value with no kind for model", requestItem({ extra: [structEntry("model", noKind), structEntry("messages", list(userMessage))] }), grpc.status.INVALID_ARGUMENT, "extra.model is required"],
  ["messages as a number", requestItem({ extra: [structEntry("model", text("m")), structEntry("messages", number(3))] }), grpc.status.INVALID_ARGUMENT, "extra.messages"],
  ["messages holding a Value with no kind", requestItem({ extra: [structEntry("model", text("m")), structEntry("messages", list(noKind, userMessage))] }), grpc.status.INVALID_ARGUMENT, "extra.messages.0"],
  ["messages holding a list", requestItem({ extra: [structEntry("model", text("m")), structEntry("messages", list(list(text("user"))))] }), grpc.status.INVALID_ARGUMENT, "extra.messages.0"],
  ["max_tokens NaN", requestItem({ extra: chatExtra(structEntry("max_tokens", number(Number.NaN))) }), grpc.status.INVALID_ARGUMENT, "extra.max_tokens"],
  ["max_tokens Infinity", requestItem({ extra: chatExtra(structEntry("max_tokens", number(Number.POSITIVE_INFINITY))) }), grpc.status.INVALID_ARGUMENT, "extra.max_tokens"],
  ["max_tokens as a bool", requestItem({ extra: chatExtra(structEntry("max_tokens", flag(true))) }), grpc.status.INVALID_ARGUMENT, "extra.max_tokens"],
  ["__proto__ key in extra carrying model", requestItem({ extra: [structEntry("__proto__", object(structEntry("model", text("m")))), structEntry("messages", list(userMessage))] }), grpc.status.INVALID_ARGUMENT, "extra.model is required"],
  ["__proto__ key in a message carrying its role", requestItem({ extra: [structEntry("model", text("m")), structEntry("messages", list(object(structEntry("__proto__", object(structEntry("role", text("user")))), structEntry("content", text("hi")))))] }), grpc.status.INVALID_ARGUMENT, "extra.messages.0.role"],
  ["an oversized message", requestItem({ extra: chatExtra(structEntry("user", text("x".repeat(MAX_MESSAGE_BYTES)))) }), grpc.status.RESOURCE_EXHAUSTED, "larger than max"],
  // Accepted as they are: what protobuf says to ignore or replace.
  ["unknown field numbers", requestItem({ extra: chatExtra(), more: [stringField(99, "from the future"), uintField(100, 1)] }), grpc.status.OK, ""],
  ["invalid UTF-8 in the prompt", requestItem({ extra: [structEntry("model", text("m")), structEntry("messages", list(object(structEntry("role", text("user")), structEntry("content", messageField(3, Uint8Array.from([0xc3, 0x28, 0xff]))))))] }), grpc.status.OK, ""],
];

describe("server: bad input as raw bytes", () => {
  it("answers each with a clear status, pollutes nothing, and keeps serving on the same connection", async () => {
    const { server, log } = await startLoggedServer({ maxReceiveMessageBytes: MAX_MESSAGE_BYTES, maxBatchItems: 10 });
    const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${await signToken()}`);
    const seen: string[] = [];
    try {
      for (const [what, bytes, code, details] of CASES) {
        const outcome = await rawInvoke(client, bytes, metadata);
        expect({ what, code: grpc.status[outcome.code], details: outcome.details }).toMatchObject({ what, code: grpc.status[code], details: expect.stringContaining(details) });
        if (code === grpc.status.OK) expect(outcome.messages[0]?.error, what).toBe("");
        // A decoded __proto__ key must not reach Object.prototype.
        expect(({} as Record<string, unknown>)["model"], what).toBeUndefined();
        expect(({} as Record<string, unknown>)["role"], what).toBeUndefined();
        seen.push(`${what}→${grpc.status[outcome.code]}`);
      }
      // BatchInvoke: more items than the server takes, and one broken item among good ones.
      const items = (count: number, ...extra: Field[]) => Array.from({ length: count }, () => messageField(1, requestItem({ extra: extra.length ? extra : chatExtra() })));
      const tooMany = await rawBatch(client, concat(...items(11)), metadata);
      expect(tooMany).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("at most 10 items") });
      const mixed = await rawBatch(client, concat(...items(1), ...items(1, structEntry("model", text("m")), structEntry("messages", number(1)))), metadata);
      expect(mixed.code).toBe(grpc.status.OK);
      expect(mixed.messages.map((item) => item.error === "")).toEqual([true, false]);
      expect(mixed.messages[1]?.error).toMatch(/^INVALID_ARGUMENT: extra.messages/);

      // Still serving, on the same connection.
      const good = await rawInvoke(client, requestItem({ stream: true, extra: chatExtra(structEntry("max_tokens", number(3))) }), metadata);
      expect(good.code).toBe(grpc.status.OK);
      expect(good.messages).toHaveLength(4);
      expect(server.inFlight).toBe(0);
      // No handler failed unexpectedly: the INTERNALs above come from grpc-js's decoder, before any handler.
      expect(log.records.filter((record) => record["status"] === "INTERNAL")).toEqual([]);
    } finally {
      client.close();
    }
    const statuses = new Map<string, number>();
    for (const each of seen) statuses.set(each.split("→")[1]!, (statuses.get(each.split("→")[1]!) ?? 0) + 1);
    report("server bad input", { invokeCases: seen.length, batchCases: 2, keptServing: true, statuses: [...statuses].map(([status, n]) => `${status}×${n}`).join(",") });
  });
});
