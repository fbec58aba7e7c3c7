// Misuse from plain JavaScript (no type checker) is never silently ignored, and
// the class facade takes the address first, as the Python client does.
import { describe, expect, it } from "vitest";
import { ConfigurationError, getTaskStatus, invoke, invokeBatch, invokeStream, TamarModelClient, ValidationError } from "tamar-model-client";
import { setup, userContext } from "../helpers/setup.js";
import { startScriptedServer } from "../helpers/scripted-server.js";

const request = { provider: "openai", model: "m", input: "x", userContext } as const;

describe("unknown call options", () => {
  it.each([
    [{ timeout: 5 }, /options\.timeout: unknown call option: use timeoutMs \(milliseconds\)/],
    [{ deadline: 5 }, /options\.deadline: unknown call option: use timeoutMs/],
    [{ request_id: "r" }, /options\.request_id: unknown call option: use requestId/],
    [{ retries: 2, signal: undefined }, /options\.retries: unknown call option: use retry: \{ maxRetries \}/],
    [{ priority: 2 }, /options\.priority: unknown call option \(known: signal, timeoutMs, requestId, metadata, retry, fallbacks, fallbackOn\)/],
  ])("%j is a ValidationError naming the key, before any I/O", async (options, message) => {
    const { server, client } = await setup();
    for (const call of [
      () => invoke(client, request, options as never),
      () => invokeStream(client, request, options as never).next(),
      () => invokeBatch(client, { userContext, items: [{ provider: "openai", model: "m", input: "x" }] }, options as never),
      () => getTaskStatus(client, "t", options as never),
    ]) {
      const error = await call().then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
    }
    expect(server.calls).toHaveLength(0);
  });

  it("task status calls still take userContext", async () => {
    const { server, client } = await setup();
    server.getTaskStatus = async () => ({ taskId: "t", status: "completed" });
    expect(await getTaskStatus(client, "t", { userContext })).toMatchObject({ status: "completed" });
  });
});

describe("new TamarModelClient(address)", () => {
  it("takes the address as its first argument, options second", async () => {
    const server = await startScriptedServer();
    try {
      await using client = new TamarModelClient(server.address, { useTls: false, env: {}, envFile: false });
      expect(client.client.settings.address).toBe(server.address);
      expect((await client.invoke(request)).content).toContain("echo openai");
    } finally {
      await server.close();
    }
  });

  it("still takes one options object; an address and options with an address is an error", async () => {
    await using fromOptions = new TamarModelClient({ address: "a:1", env: {}, envFile: false });
    expect(fromOptions.client.settings.address).toBe("a:1");
    expect(() => new TamarModelClient({ address: "a:1" }, { env: {} })).toThrow(ConfigurationError);
    expect(() => new TamarModelClient("a:1", { address: "b:2" } as never)).toThrow(/Unknown option|address/);
    expect(() => new TamarModelClient("http://a:1", { env: {}, envFile: false })).toThrow(/option address: a gRPC address is host:port, not a URL/);
  });
});
