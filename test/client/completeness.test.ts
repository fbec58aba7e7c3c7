// The client's own check that an answer is whole: a text stream that ends OK
// without a finish reason is incomplete (its end was lost on some hop), a
// server-reported cut (DATA_LOSS) is an incomplete-answer interruption, and a
// non-stream invoke must be answered by exactly one message.
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  IncompleteAnswerError,
  InternalError,
  type InvokeRequest,
  invoke,
  invokeStream,
  StreamInterruptedError,
} from "tamar-model-client";
import { setup, userContext } from "../helpers/setup.js";
import { FINISHED } from "../helpers/scripted-server.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

async function drain(stream: AsyncIterable<{ content?: string }>) {
  const contents: string[] = [];
  try {
    for await (const chunk of stream) contents.push(chunk.content ?? "");
    return { contents, error: undefined };
  } catch (error) {
    return { contents, error };
  }
}

describe("a stream is complete only with a finish reason", () => {
  it("ended OK after chunks without one → StreamInterruptedError (incomplete) caused by an IncompleteAnswerError", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "Half" };
      yield { content: " an answer" };
    };
    const { contents, error } = await drain(invokeStream(client, request, { requestId: "no-finish" }));
    expect(contents).toEqual(["Half", " an answer"]);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ chunksReceived: 2, incomplete: true, requestId: "no-finish" });
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(IncompleteAnswerError);
  });

  it("ended OK with no chunk at all → IncompleteAnswerError", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {};
    const { error } = await drain(invokeStream(client, request));
    expect(error).toBeInstanceOf(IncompleteAnswerError);
  });

  it("with a finish reason on the last chunk the stream ends cleanly", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "Whole" };
      yield { content: "", ...FINISHED };
    };
    expect(await drain(invokeStream(client, request))).toEqual({ contents: ["Whole", ""], error: undefined });
  });

  it("requireFinishReason: false accepts a server that forwards no finish reasons", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = async function* () {
      yield { content: "As is" };
    };
    expect(await drain(invokeStream(client, request))).toEqual({ contents: ["As is"], error: undefined });
  });

  it("image streams carry no finish reason and need none", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "", rawResponse: JSON.stringify({ created: 1, data: [] }) };
    };
    const { error } = await drain(invokeStream(client, { provider: "openai", invokeType: "image-generation", model: "gpt-image-1", prompt: "a fox", userContext }));
    expect(error).toBeUndefined();
  });

  it("DATA_LOSS from the server after chunks → StreamInterruptedError caused by an IncompleteAnswerError", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "Half" };
      throw new ServerError(Status.DATA_LOSS, "the openai answer is incomplete: it ended without a finish_reason");
    };
    const { contents, error } = await drain(invokeStream(client, request));
    expect(contents).toEqual(["Half"]);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(IncompleteAnswerError);
    expect((error as Error).message).toContain("ended without a finish_reason");
  });
});

describe("a non-stream invoke is answered by exactly one message", () => {
  it.each([0, 2, 3])("%i messages → InternalError", async (count) => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      for (let i = 0; i < count; i++) yield { content: `part ${i}`, ...FINISHED };
    };
    const error = await invoke(client, request, { requestId: "count" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).not.toBeInstanceOf(IncompleteAnswerError);
    expect((error as InternalError).requestId).toBe("count");
    if (count > 1) expect((error as Error).message).toContain(`${count} messages`);
  });
});
