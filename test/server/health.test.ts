// The standard health service, from the project's own generated code.
import { readFileSync } from "node:fs";
import { createChannel, createClient, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { HealthDefinition } from "../../src/gen/grpc/health/v1/health.js";
import { clientErrorOf } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";

const SERVING = 1;
const NOT_SERVING = 2;
const SERVICE_UNKNOWN = 3;

describe("grpc.health.v1.Health", () => {
  it("Check: SERVING for the server and ModelService, NOT_FOUND for an unknown service", async () => {
    const { server } = await startReferenceServer({ offline: true });
    const channel = createChannel(server.address);
    const health = createClient(HealthDefinition, channel);
    expect(await health.check({ service: "" })).toEqual({ status: SERVING });
    expect(await health.check({ service: "model_service.ModelService" })).toEqual({ status: SERVING });
    const error = await clientErrorOf(() => health.check({ service: "nope.Service" }));
    expect(error.code).toBe(Status.NOT_FOUND);
    channel.close();
  });

  it("Watch: SERVICE_UNKNOWN for an unknown service, the status then every change for a known one; cancelling ends it", async () => {
    const { server } = await startReferenceServer({ offline: true });
    const channel = createChannel(server.address);
    const health = createClient(HealthDefinition, channel);
    const unknown = health.watch({ service: "nope.Service" })[Symbol.asyncIterator]();
    expect((await unknown.next()).value).toEqual({ status: SERVICE_UNKNOWN });
    await unknown.return?.();

    const controller = new AbortController();
    const seen: number[] = [];
    const watching = (async () => {
      for await (const update of health.watch({ service: "" }, { signal: controller.signal })) {
        seen.push(update.status);
        if (seen.length === 1) void server.close({ graceMs: 1_000 });
      }
    })();
    await watching; // the shutdown ends it with OK
    expect(seen).toEqual([SERVING, NOT_SERVING]);
    channel.close();
  });

  it("the package depends on no health library (nor its rxjs)", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).filter((name) => /health|rxjs|protobufjs/.test(name))).toEqual([]);
  });
});
