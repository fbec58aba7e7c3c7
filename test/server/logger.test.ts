// The server takes the same pino-shaped Logger as the client (and pino
// itself), and both sides write the same field names.
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createModelClient, invoke, type Logger } from "tamar-model-client";
import { type ModelServerOptions, startModelServer } from "tamar-model-client/server";
import { userContext } from "../helpers/setup.js";
import { SECRET } from "../helpers/tokens.js";

const request = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext } as const;

async function oneCall(serverLogger: ModelServerOptions["logger"], clientLogger?: Logger) {
  const server = await startModelServer({ port: 0, jwtSecretKey: SECRET, offline: true, offlineChunkDelayMs: 0, env: {}, logger: serverLogger });
  const client = createModelClient({ address: server.address, useTls: false, jwtSecretKey: SECRET, env: {}, envFile: false, ...(clientLogger ? { logger: clientLogger } : {}) });
  try {
    await invoke(client, request, { requestId: "log-shape-1" });
  } finally {
    await client.close();
    await server.close();
  }
}

describe("server logger", () => {
  it("pino itself: one JSON line per record, with the record's level and message", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    await oneCall(pino({ level: "debug" }, destination));
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const call = records.find((record) => record["request_id"] === "log-shape-1");
    expect(call).toMatchObject({ level: 30, msg: expect.any(String), method: "Invoke", provider: "openai", invoke_type: "chat-completions", model: "gpt-4o-mini" });
    expect(records.some((record) => record["msg"] === "listening" && record["level"] === 30)).toBe(true);
    expect(records.every((record) => !("level" in record) || typeof record["level"] === "number")).toBe(true);
  });

  it("the client's Logger object works for the server too, and both write the same field names for a call", async () => {
    const server: Record<string, unknown>[] = [];
    const client: Record<string, unknown>[] = [];
    const collecting = (into: Record<string, unknown>[]): Logger => ({
      debug: (fields) => into.push(fields),
      info: (fields) => into.push(fields),
      warn: (fields) => into.push(fields),
      error: (fields) => into.push(fields),
    });
    await oneCall(collecting(server), collecting(client));
    const serverCall = server.find((fields) => fields["request_id"] === "log-shape-1")!;
    const clientEnd = client.find((fields) => fields["event"] === "request.end")!;
    expect(serverCall).toBeDefined();
    expect(clientEnd).toMatchObject({ request_id: "log-shape-1", invoke_type: "chat-completions", duration_ms: expect.any(Number) });
    for (const name of ["request_id", "provider", "invoke_type", "model", "duration_ms"]) {
      expect(serverCall, name).toHaveProperty(name);
      expect(clientEnd, name).toHaveProperty(name);
    }
  });

  it("an object without the four methods is refused at start", async () => {
    await expect(startModelServer({ port: 0, jwtSecretKey: SECRET, offline: true, env: {}, logger: { info() {} } as never })).rejects.toThrow(
      /logger must be a function or have debug, info, warn, error methods/,
    );
  });
});
