// The first completed call in a fresh process: import, create a client, sign
// a token, one unary Invoke to its answer. The SDK against raw grpc-js doing
// the same with ts-proto's grpc-js client (compiled file by file to plain JS,
// as tsc builds the SDK) and a node:crypto HS256 token. Each run is a fresh
// `node`; the two take turns. Timed from the script's first line, so Node's
// own start-up, the same for both, is left out.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { runTracked } from "./child-processes.js";
import { clientEntryPath } from "./client-under-test.js";
import type { WireSetup } from "./contenders/contender.js";
import { interleavedRounds } from "./measure.js";
import { type Row, summarise } from "./scenarios.js";
import { JWT_SECRET, TENANT, unaryRequest } from "./workload.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const generatedTs = fileURLToPath(new URL("./.gen/grpc-js/", import.meta.url));
const generatedJs = fileURLToPath(new URL("./.gen/grpc-js-built/", import.meta.url));

export interface FirstCallResult {
  runs: number;
  rows: Row<"ms">[];
}

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));

/** bench/.gen/grpc-js as plain ES modules, one per file (after `generateBenchCode`). */
async function buildRawClient(): Promise<string> {
  await build({ entryPoints: tsFiles(generatedTs), outdir: generatedJs, outbase: generatedTs, format: "esm", platform: "node", logLevel: "silent" });
  return join(generatedJs, "model_service", "model_service.js");
}

function sdkScript(address: string, entry = clientEntryPath): string {
  return `
    const started = performance.now();
    const { createModelClient, invoke } = await import(${JSON.stringify(entry)});
    const client = createModelClient({ address: ${JSON.stringify(address)}, jwtSecretKey: ${JSON.stringify(JWT_SECRET)}, useTls: false, env: {}, envFile: false });
    await invoke(client, ${JSON.stringify(unaryRequest)});
    const ms = performance.now() - started;
    await client.close();
    process.stdout.write(String(ms));`;
}

function rawScript(rawClient: string, wire: WireSetup): string {
  return `
    const started = performance.now();
    const grpc = await import("@grpc/grpc-js");
    const { ModelServiceClient } = await import(${JSON.stringify(rawClient)});
    const { createHmac, randomUUID } = await import("node:crypto");
    const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const signed = part({ alg: "HS256", typ: "JWT" }) + "." + part({ org_id: ${JSON.stringify(TENANT.orgId)}, user_id: ${JSON.stringify(TENANT.userId)}, iat: now, exp: now + 3600 });
    const token = signed + "." + createHmac("sha256", ${JSON.stringify(JWT_SECRET)}).update(signed).digest("base64url");
    const client = new ModelServiceClient(${JSON.stringify(wire.address)}, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set("authorization", "Bearer " + token);
    metadata.set("x-request-id", randomUUID());
    await new Promise((resolve, reject) => {
      let answers = 0;
      const call = client.invoke(${JSON.stringify(wire.unaryItem)}, metadata, { deadline: Date.now() + ${wire.timeoutMs} });
      call.on("data", () => answers++);
      call.on("error", reject);
      call.on("end", () => (answers === 1 ? resolve() : reject(new Error(answers + " answers"))));
    });
    const ms = performance.now() - started;
    client.close();
    process.stdout.write(String(ms));`;
}

/** Another build of the client to time alongside: the path of its `dist/index.js`. */
export interface OtherClient {
  readonly name: string;
  readonly entry: string;
}

/**
 * `runs` fresh processes per way against the server at `wire.address`, raw
 * grpc-js (the baseline) and the SDK taking turns, then any other builds.
 */
export async function firstCallScenario(wire: WireSetup, runs: number, others: readonly OtherClient[] = []): Promise<FirstCallResult> {
  const rawClient = await buildRawClient();
  const ways = [
    { name: "raw grpc-js", script: rawScript(rawClient, wire) },
    { name: "tamar createModelClient + invoke", script: sdkScript(wire.address) },
    ...others.map((other) => ({ name: `${other.name} build: createModelClient + invoke`, script: sdkScript(wire.address, other.entry) })),
  ];
  // Round 0 warms the disk cache and is dropped.
  const samples = await interleavedRounds(ways, runs, async (way) => {
    const ms = Number(await runTracked(process.execPath, ["--input-type=module", "-e", way.script], { cwd: root }));
    if (!Number.isFinite(ms)) throw new Error(`${way.name}: no time printed`);
    return ms;
  });
  return { runs, rows: summarise(ways, samples, { ms: (ms: number) => ms }) };
}
