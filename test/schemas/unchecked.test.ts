// The unchecked request form: a pair no schema describes goes through only
// when the request says so, its params checked for wire safety alone and sent
// as given, through invoke, invokeStream and invokeBatch alike.
import { describe, expect, it } from "vitest";
import { collectStream, invoke, invokeBatch, invokeStream, type UncheckedInvokeRequest, ValidationError } from "tamar-model-client";
import type { ModelRequest, ModelRequestItem } from "../../src/gen/model_service/model_service.js";
import { setup, userContext } from "../helpers/setup.js";

const kling: UncheckedInvokeRequest = {
  unchecked: {
    provider: "kling-ai",
    invokeType: "video-generation",
    params: { model_name: "kling-v2", prompt: "a kite", negative_prompt: "", camera: { type: "simple", config: null }, n: 2 },
  },
  userContext,
};

const failure = (run: () => Promise<unknown>) => run().then(() => undefined, (error: unknown) => error);

describe("the unchecked form", () => {
  it("invoke sends provider, invoke type and params exactly as given (nothing dropped, no defaults added)", async () => {
    const { server, client } = await setup();
    await invoke(client, kling);
    expect(server.calls[0]!.request as ModelRequestItem).toMatchObject({
      provider: "kling-ai",
      invokeType: "video-generation",
      channel: "normal",
      stream: false,
      orgId: userContext.orgId,
      extra: { model_name: "kling-v2", prompt: "a kite", negative_prompt: "", camera: { type: "simple", config: null }, n: 2 },
    });
  });

  it("invokeStream streams it with its channel, and adds no stream key to params", async () => {
    const { server, client } = await setup();
    const answer = await collectStream(
      invokeStream(client, { unchecked: { provider: "acme", invokeType: "chat", channel: "eu", params: { q: "hi" } }, userContext }),
    );
    expect(answer.content).toBe("echo acme chat model");
    expect(server.calls[0]!.request).toMatchObject({ provider: "acme", invokeType: "chat", channel: "eu", stream: true, extra: { q: "hi" } });
  });

  it("invokeBatch takes unchecked items beside checked ones", async () => {
    const { server, client } = await setup();
    const response = await invokeBatch(client, {
      userContext,
      items: [
        { unchecked: { provider: "kling-ai", invokeType: "image-generation", params: { prompt: "x" } }, customId: "u1", priority: 2 },
        { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
      ],
    });
    expect(response.responses.map((item) => item.customId)).toEqual(["u1", "#1"]);
    const sent = server.calls[0]!.request as ModelRequest;
    expect(sent.items[0]).toMatchObject({ provider: "kling-ai", invokeType: "image-generation", customId: "u1", priority: 2, extra: { prompt: "x" } });
    expect(sent.items[1]).toMatchObject({ provider: "openai", invokeType: "chat-completions" });
  });

  it("an asynchronous unchecked call sends enable_async_task and its callback, as the Python SDK does", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "", rawResponse: JSON.stringify({ task_id: "t-1", status: "processing" }) };
    };
    await invoke(client, { ...kling, enableAsyncTask: true, callbackUrl: "https://example.com/hook" }).catch(() => undefined);
    expect((server.calls[0]!.request as ModelRequestItem).extra).toMatchObject({ enable_async_task: true, callback_url: "https://example.com/hook", prompt: "a kite" });
  });

  it("params are checked for what the wire carries, with paths under unchecked.params", async () => {
    const { server, client } = await setup();
    const error = await failure(() =>
      invoke(client, { unchecked: { provider: "acme", invokeType: "x", params: { n: Number.NaN, nested: { f: () => 1 } } }, userContext }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["unchecked.params.n", "unchecked.params.nested.f"]);
    expect(server.calls).toHaveLength(0);
  });

  it("the route is still required and strict: missing strings and stray keys are ValidationErrors", async () => {
    const { client } = await setup();
    const error = await failure(() =>
      invoke(client, { unchecked: { provider: "", params: {}, invoke_type: "x" }, provider: "openai", userContext } as never),
    );
    expect((error as ValidationError).issues).toEqual(
      expect.arrayContaining([
        { path: "provider", message: "unknown field" },
        { path: "unchecked.invoke_type", message: "unknown field (did you mean invokeType?)" },
        { path: "unchecked.provider", message: "must not be empty" },
        { path: "unchecked.invokeType", message: "required field is missing" },
      ]),
    );
  });

  it("is never a relaxation of the checked forms: a checked request with an unknown field still fails", async () => {
    const { client } = await setup();
    const error = await failure(() => invoke(client, { provider: "fal-ai", model: "fal-ai/z-image/turbo", prompt: "x", steps: 3, userContext } as never));
    expect((error as ValidationError).issues).toEqual([{ path: "steps", message: expect.stringContaining("unknown field for fal-ai image-generation") }]);
  });

  it("a provider without a checked form says to send it unchecked", async () => {
    const { client } = await setup();
    const error = await failure(() => invoke(client, { provider: "kling-ai", prompt: "x", userContext } as never));
    expect((error as ValidationError).issues).toEqual([{ path: "provider", message: expect.stringContaining("send it unchecked, as { unchecked: { provider, invokeType, params }, userContext }") }]);
  });
});
