// What invokeStream's stream does as an async iterator beyond for-await:
// it behaves as the async generator it was (nothing sent before the first
// next(), asks answered in order, return and throw at a chunk end the call).
import { describe, expect, it } from "vitest";
import { invokeStream, StreamInterruptedError, ValidationError, type InvokeRequest } from "tamar-model-client";
import { aborted, setup, userContext } from "../helpers/setup.js";
import { FINISHED } from "../helpers/scripted-server.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

describe("invokeStream as an async iterator", () => {
  it("validates and sends nothing before the first next(); return() or throw() first end it unsent", async () => {
    const { server, client } = await setup();
    const invalid = invokeStream(client, { ...request, provider: "nope" } as unknown as InvokeRequest);
    await expect(invalid.next()).rejects.toBeInstanceOf(ValidationError);
    await expect(invalid.next()).resolves.toEqual({ done: true, value: undefined });

    const returned = invokeStream(client, request);
    await expect(returned.return()).resolves.toEqual({ done: true, value: undefined });
    await expect(returned.next()).resolves.toEqual({ done: true, value: undefined });
    const thrown = invokeStream(client, request);
    const reason = new Error("not wanted");
    await expect(thrown.throw(reason)).rejects.toBe(reason);
    await expect(thrown.next()).resolves.toEqual({ done: true, value: undefined });
    expect(server.calls).toHaveLength(0);
    expect(invalid[Symbol.asyncIterator]()).toBe(invalid);
  });

  it("answers asks made at once in order", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "a" };
      yield { content: "b" };
      yield { content: "c", ...FINISHED };
    };
    const stream = invokeStream(client, request);
    const steps = await Promise.all([stream.next(), stream.next(), stream.next(), stream.next()]);
    expect(steps.map((step) => (step.done ? "done" : step.value.content))).toEqual(["a", "b", "c", "done"]);
  });

  // return() ends the stream quietly; throw() fails it as an interruption. Either cancels the call on the server.
  it.each([
    { end: "return", settle: (stream: AsyncGenerator<unknown>) => expect(stream.return(undefined)).resolves.toEqual({ done: true, value: undefined }) },
    {
      end: "throw",
      settle: async (stream: AsyncGenerator<unknown>) => expect(await stream.throw(new Error("consumer gave up")).catch((e: unknown) => e)).toBeInstanceOf(StreamInterruptedError),
    },
  ])("$end() at a chunk cancels the call on the server; the stream is done", async ({ settle }) => {
    const { server, client } = await setup();
    server.invoke = async function* (_request, context) {
      yield { content: "first" };
      await aborted(context.signal);
    };
    const stream = invokeStream(client, request);
    expect((await stream.next()).value?.content).toBe("first");
    await settle(stream);
    await aborted(server.calls[0]!.signal);
    await expect(stream.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
