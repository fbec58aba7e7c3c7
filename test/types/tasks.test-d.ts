// Type expectations of asynchronous tasks, checked by vitest's typecheck.
import { describe, expectTypeOf, it } from "vitest";
import {
  type CreatedTask,
  getTaskStatus,
  invoke,
  type ModelClient,
  type ModelResponse,
  type TaskStatus,
  waitForTask,
} from "tamar-model-client";
import { userContext } from "../helpers/user-context.js";

declare const client: ModelClient;
const chat = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext } as const;
const video = { provider: "openai", model: "sora-2", prompt: "a red kite", enableAsyncTask: true, userContext } as const;

describe("invoke", () => {
  it("answers an async request with the task it created, a direct one with a response", () => {
    expectTypeOf(invoke(client, video)).resolves.toEqualTypeOf<CreatedTask>();
    expectTypeOf(invoke(client, chat)).resolves.toEqualTypeOf<ModelResponse>();
  });
});

describe("task status", () => {
  it("getTaskStatus and waitForTask give the task model", () => {
    expectTypeOf(getTaskStatus(client, "t")).resolves.toEqualTypeOf<TaskStatus>();
    expectTypeOf(waitForTask(client, "t")).resolves.toEqualTypeOf<TaskStatus>();
    expectTypeOf<TaskStatus["status"]>().toEqualTypeOf<"processing" | "completed" | "failed">();
  });
});
