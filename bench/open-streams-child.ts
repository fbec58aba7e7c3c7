// One contender holding many streams open through one client, in a fresh
// process started by open-streams.ts with --expose-gc: argv[2] is the
// contender ("raw", "sdk", or "sdk:DIST" for the SDK of another build's
// dist/), argv[3] the server address, argv[4] the number of streams. Prints
// one JSON OpenStreamsSample on stdout.
import { resolve } from "node:path";
import { memoryUsage } from "node:process";
import { pathToFileURL } from "node:url";
import { loadSdk, tamar } from "./client-under-test.js";
import { rawGrpcJs } from "./contenders/raw-grpc-js.js";
import { tamarClient } from "./contenders/tamar-client.js";
import type { Contender } from "./contenders/contender.js";
import { buildWireSetup } from "./setup.js";
import { openStreamRequest, unaryRequest } from "./workload.js";

export interface OpenStreamsSample {
  /** heapUsed after every stream has its first chunk minus before the first was opened (both after a full GC), per stream. */
  heapBytesPerStream: number;
  /** This process's CPU from the first stream opened to the last one ended, less the forced GC, per chunk received. */
  cpuMicrosPerChunk: number;
  /** From the first stream opened to the last one ended. */
  wallMs: number;
  chunks: number;
  /** Streams not yet ended when the heap was measured: all of them, or the heap figure is low. */
  openAtMeasurement: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const [which, address, count] = process.argv.slice(2);
const streams = Number(count);
if (!address || !(streams > 0) || !which || !/^(raw|sdk(:.+)?)$/.test(which)) throw new Error("usage: open-streams-child.ts raw|sdk|sdk:DIST ADDRESS STREAMS");

const build = which.startsWith("sdk:") ? await loadSdk(pathToFileURL(`${resolve(which.slice("sdk:".length))}/`)) : tamar;
const sdk = tamarClient(address, build, undefined, { unary: unaryRequest, stream: openStreamRequest });
const contender: Contender = which === "raw" ? await rawGrpcJs(await buildWireSetup(address, sdk.client.settings.invokeTimeoutMs, openStreamRequest)) : sdk;
if (which === "raw") await sdk.close();
await contender.unary(); // connects (and the SDK signs its token) before anything is measured

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

gc();
gc();
const heapBefore = memoryUsage().heapUsed;
const started = performance.now();
const cpuStarted = cpuMicros();
let firsts = 0;
let ended = 0;
let heapBytesPerStream = Number.NaN;
let gcMicros = 0;
let openAtMeasurement = 0;
const measureHeap = () => {
  openAtMeasurement = streams - ended;
  const gcStarted = cpuMicros();
  gc();
  heapBytesPerStream = (memoryUsage().heapUsed - heapBefore) / streams;
  gcMicros = cpuMicros() - gcStarted;
};
const counts = await Promise.all(
  Array.from({ length: streams }, () =>
    contender
      .stream(() => {
        if (++firsts === streams) measureHeap();
      })
      .finally(() => ended++),
  ),
);
const sample: OpenStreamsSample = {
  heapBytesPerStream,
  cpuMicrosPerChunk: (cpuMicros() - cpuStarted - gcMicros) / counts.reduce((sum, n) => sum + n, 0),
  wallMs: performance.now() - started,
  chunks: counts.reduce((sum, n) => sum + n, 0),
  openAtMeasurement,
};
await contender.close();
process.stdout.write(`${JSON.stringify(sample)}\n`);
