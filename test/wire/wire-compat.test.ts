// Wire compatibility with existing Model Manager servers and clients: bytes
// built by hand from the original field numbers (original-client-spec §1.1,
// §1.2) must decode into every field, and the generated encoder must produce
// exactly those bytes again. A renumbered, retyped or renamed field fails here.
import { describe, expect, it } from "vitest";
import {
  BatchGetTaskStatusRequest,
  BatchGetTaskStatusResponse,
  GetTaskStatusRequest,
  GetTaskStatusResponse,
  ModelRequest,
  ModelRequestItem,
  ModelResponse,
  ModelResponseItem,
  ModelServiceDefinition,
} from "../../src/gen/model_service/model_service.js";
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


const extraBytes = concat(
  structEntry("model", stringField(3, "gpt-4o-mini")),
  structEntry("temperature", doubleField(2, 0.5)),
  structEntry("store", boolField(4, true)),
  structEntry("user", uintField(1, 0)), // null_value: NULL_VALUE
  structEntry(
    "messages",
    messageField(
      6, // list_value
      messageField(1, messageField(5, structEntry("role", stringField(3, "user")), structEntry("content", stringField(3, "hi")))),
    ),
  ),
);

const requestItemFields = [
  stringField(1, "openai"),
  stringField(2, "normal"),
  stringField(3, "chat-completions"),
  boolField(4, true),
  stringField(5, "org-1"),
  stringField(6, "user-1"),
  stringField(7, "svc"),
  uintField(8, 7),
  stringField(9, "q1"),
  messageField(10, extraBytes),
];
const requestItemBytes = concat(...requestItemFields);

const expectedRequestItem: ModelRequestItem = {
  provider: "openai",
  channel: "normal",
  invokeType: "chat-completions",
  stream: true,
  orgId: "org-1",
  userId: "user-1",
  clientType: "svc",
  priority: 7,
  customId: "q1",
  extra: {
    model: "gpt-4o-mini",
    temperature: 0.5,
    store: true,
    user: null,
    messages: [{ role: "user", content: "hi" }],
  },
};

const responseItemBytes = concat(
  stringField(1, "Hello"),
  stringField(2, '{"prompt_tokens":3,"completion_tokens":1}'),
  stringField(3, '{"id":"chatcmpl-1"}'),
  stringField(4, "rate limited"),
  stringField(5, "q1"),
  stringField(6, "req-42"),
);

const expectedResponseItem: ModelResponseItem = {
  content: "Hello",
  usage: '{"prompt_tokens":3,"completion_tokens":1}',
  rawResponse: '{"id":"chatcmpl-1"}',
  error: "rate limited",
  customId: "q1",
  requestId: "req-42",
};

const taskStatusFields = [
  stringField(1, "task-1"),
  stringField(2, "google"),
  stringField(3, "vertexai"),
  stringField(4, "image-generation"),
  stringField(5, "imagen-3"),
  stringField(6, "completed"),
  stringField(7, "2026-01-01T00:00:00Z"),
  stringField(8, "2026-01-01T00:01:00Z"),
  stringField(9, '{"images":1}'),
  stringField(10, "none"),
];

const expectedTaskStatus: GetTaskStatusResponse = {
  taskId: "task-1",
  provider: "google",
  channel: "vertexai",
  invokeType: "image-generation",
  model: "imagen-3",
  status: "completed",
  createdAt: "2026-01-01T00:00:00Z",
  completedAt: "2026-01-01T00:01:00Z",
  resultData: '{"images":1}',
  errorMessage: "none",
};

interface Codec<T> {
  decode(input: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
}

function roundTrip<T>(codec: Codec<T>, bytes: Uint8Array, expected: T) {
  const decoded = codec.decode(bytes);
  expect(decoded).toEqual(expected);
  expect(Uint8Array.from(codec.encode(decoded).finish())).toEqual(bytes);
}

describe("wire compatibility with the original descriptor", () => {
  it("ModelRequestItem: fields 1-10, proto3 optionals and the Struct extra", () => {
    roundTrip(ModelRequestItem, requestItemBytes, expectedRequestItem);
  });

  it("ModelRequestItem: unset optionals stay unset (no priority 0, no empty custom_id)", () => {
    const decoded = ModelRequestItem.decode(concat(stringField(1, "google")));
    expect(decoded.priority).toBeUndefined();
    expect(decoded.customId).toBeUndefined();
    // An explicit zero priority is present on the wire and survives decoding.
    expect(ModelRequestItem.decode(uintField(8, 0)).priority).toBe(0);
  });

  it("ModelRequest: repeated items = 1", () => {
    const bytes = concat(messageField(1, ...requestItemFields), messageField(1, stringField(1, "google")));
    const decoded = ModelRequest.decode(bytes);
    expect(decoded.items).toHaveLength(2);
    expect(decoded.items[0]).toEqual(expectedRequestItem);
    expect(decoded.items[1]?.provider).toBe("google");
    expect(Uint8Array.from(ModelRequest.encode(decoded).finish())).toEqual(bytes);
  });

  it("ModelResponseItem: fields 1-6", () => {
    roundTrip(ModelResponseItem, responseItemBytes, expectedResponseItem);
  });

  it("ModelResponse: request_id = 1, repeated items = 2", () => {
    const bytes = concat(stringField(1, "batch-1"), messageField(2, responseItemBytes));
    roundTrip(ModelResponse, bytes, { requestId: "batch-1", items: [expectedResponseItem] });
  });

  it("GetTaskStatusRequest: task_id = 1", () => {
    roundTrip(GetTaskStatusRequest, stringField(1, "task-1"), { taskId: "task-1" });
  });

  it("GetTaskStatusResponse: fields 1-10", () => {
    roundTrip(GetTaskStatusResponse, concat(...taskStatusFields), expectedTaskStatus);
  });

  it("BatchGetTaskStatusRequest: repeated task_ids = 1", () => {
    const bytes = concat(stringField(1, "task-1"), stringField(1, "task-2"));
    roundTrip(BatchGetTaskStatusRequest, bytes, { taskIds: ["task-1", "task-2"] });
  });

  it("BatchGetTaskStatusResponse: repeated tasks = 1", () => {
    roundTrip(BatchGetTaskStatusResponse, messageField(1, ...taskStatusFields), { tasks: [expectedTaskStatus] });
  });

  it("ModelService method paths and streaming shapes", () => {
    const methods = ModelServiceDefinition.methods;
    const path = (name: string) => `/${ModelServiceDefinition.fullName}/${name}`;
    expect(path(methods.invoke.name)).toBe("/model_service.ModelService/Invoke");
    expect(path(methods.batchInvoke.name)).toBe("/model_service.ModelService/BatchInvoke");
    expect(path(methods.getTaskStatus.name)).toBe("/model_service.ModelService/GetTaskStatus");
    expect(path(methods.batchGetTaskStatus.name)).toBe("/model_service.ModelService/BatchGetTaskStatus");
    expect([methods.invoke.requestStream, methods.invoke.responseStream]).toEqual([false, true]);
    expect([methods.batchInvoke.requestStream, methods.batchInvoke.responseStream]).toEqual([false, false]);
  });
});
