// The reference server as a gateway: the SDK → server → a loopback fake
// OpenAI (fake-openai.ts, its own process) → back, against the `openai` SDK
// calling the same fake directly (the baseline). What the server adds: p50 /
// p99 at c=1 and time to the first stream chunk as differences of medians,
// req/s at c=32 as a paired ratio. Every way is first warmed up unmeasured
// (WARM_UP) until V8 has compiled its hot paths: a gateway is a long-running
// process, and through its first few thousand calls the server's per-call CPU
// is several times its steady state, which is not what it adds per call.
// A floor row runs beside them: raw grpc-js through the barest gateway this
// stack allows (bare-gateway-server.ts), so a target that even the floor
// misses is shown to be out of this stack's reach on this machine.
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { spawnTracked } from "./child-processes.js";
import type { Contender } from "./contenders/contender.js";
import { rawGrpcJs } from "./contenders/raw-grpc-js.js";
import { tamarClient } from "./contenders/tamar-client.js";
import { closedLoop, interleavedRounds, timedStream, type UnarySample } from "./measure.js";
import { type Row, summarise } from "./scenarios.js";
import { processCpuMicros, type ServerProcess, startServerProcess } from "./server-process.js";
import { buildWireSetup } from "./setup.js";
import { median } from "./stats.js";
import { JWT_SECRET, unaryRequest } from "./workload.js";

const FAKE = fileURLToPath(new URL("./fake-openai.ts", import.meta.url));
const BARE_GATEWAY = fileURLToPath(new URL("./bare-gateway-server.ts", import.meta.url));
/** The floor row's name. */
export const BARE_GATEWAY_NAME = "raw grpc-js → bare grpc-js gateway → fake (floor)";
const root = fileURLToPath(new URL("..", import.meta.url));
const API_KEY = "sk-bench-fake";

/**
 * Unmeasured calls per way before the rounds: unary at c=32, then streams 8 at
 * a time. Enough for the server's CPU per call to stop falling (measured in
 * bench/findings.md, item 8); the same for every way and every mode.
 */
export const WARM_UP = { calls: 5000, streams: 2000 } as const;

export type GatewayUnaryMetric = "p50Ms" | "p99Ms" | "perSecond" | "clientCpu" | "serverCpu";

export interface GatewaySettings {
  rounds: number;
  /** Calls per contender per round at c=1 and at c=32. */
  calls: { 1: number; 32: number };
  /** Streams per contender per round (one after another); a round's figure is their median time to the first chunk. */
  streams: number;
  /**
   * Other builds' servers (`dist/server/cli.js` of another checkout), each one
   * more gateway row after this build's, interleaved with it: a change's effect
   * measured apart from the machine's drift.
   */
  otherServers?: ReadonlyArray<{ readonly name: string; readonly cli: string }>;
  /** Node flags for the gateway servers, e.g. `--cpu-prof`. */
  serverNodeArgs?: readonly string[];
}

export interface GatewayResult {
  settings: GatewaySettings;
  warmUp: { readonly calls: number; readonly streams: number };
  /** Baseline (the openai SDK calling the fake) first, then the SDK through the server, then through any other builds' servers, then the floor ({@link BARE_GATEWAY_NAME}). */
  unary: Array<{ concurrency: number; rows: Row<GatewayUnaryMetric>[] }>;
  stream: Row<"firstChunkMs">[];
}

interface ListeningChild {
  /** What followed `listening on` in its output. */
  address: string;
  cpuMicros(): number | undefined;
  stop(): Promise<void>;
}

/** A bench script in its own process, once it prints `listening on ADDRESS`. */
function startListening(script: string, args: readonly string[], what: string): Promise<ListeningChild> {
  const { child, exited } = spawnTracked(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`${what} exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const address = /listening on (\S+)/.exec(line)?.[1];
      if (address)
        resolve({
          address,
          cpuMicros: () => processCpuMicros(child.pid!),
          async stop() {
            child.kill("SIGTERM");
            await exited;
          },
        });
    });
  });
}

const startFakeOpenAI = () => startListening(FAKE, [], "the fake OpenAI");

/** The floor: raw grpc-js sending the SDK's bytes through the bare gateway, which is its "server". */
async function startBareGateway(fake: ListeningChild, timeoutMs: number): Promise<Gateway> {
  const bare = await startListening(BARE_GATEWAY, [`${fake.address}/v1`], "the bare gateway");
  try {
    const wire = await buildWireSetup(bare.address, timeoutMs, unaryRequest);
    return { contender: { ...(await rawGrpcJs(wire)), name: BARE_GATEWAY_NAME }, server: bare };
  } catch (error) {
    await bare.stop();
    throw error;
  }
}

function openAIDirect(baseURL: string): Contender {
  const openai = new OpenAI({ apiKey: API_KEY, baseURL });
  const { provider: _p, invokeType: _i, userContext: _u, ...params } = unaryRequest as typeof unaryRequest & Record<string, unknown>;
  const body = params as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
  return {
    name: "openai SDK → fake (direct)",
    async unary() {
      const completion = await openai.chat.completions.create(body);
      if (completion.choices.length !== 1) throw new Error(`openai direct: ${completion.choices.length} choices`);
    },
    async stream(onFirst) {
      let chunks = 0;
      const stream = await openai.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
      for await (const _ of stream) {
        if (chunks++ === 0) onFirst();
      }
      return chunks;
    },
    async close() {},
  };
}

interface Gateway {
  readonly contender: Contender;
  /** The gateway's process: its CPU is the server CPU of the contender's rows. */
  readonly server: Pick<ServerProcess, "cpuMicros" | "stop">;
}

async function unaryRounds(contenders: Contender[], servers: ReadonlyMap<string, Gateway["server"]>, concurrency: number, calls: number, rounds: number) {
  const samples = await interleavedRounds(contenders, rounds, async (contender) => {
    const server = servers.get(contender.name);
    const before = server?.cpuMicros();
    const sample = await closedLoop(() => contender.unary(), concurrency, calls);
    const after = server?.cpuMicros();
    return { ...sample, serverCpu: before === undefined || after === undefined ? Number.NaN : (after - before) / calls };
  });
  return {
    concurrency,
    rows: summarise(contenders, samples, {
      p50Ms: (s: UnarySample & { serverCpu: number }) => s.p50Ms,
      p99Ms: (s) => s.p99Ms,
      perSecond: (s) => s.perSecond,
      clientCpu: (s) => s.cpuMicrosPerCall,
      serverCpu: (s) => s.serverCpu,
    }),
  };
}

/** The SDK through a reference server; `timeoutMs` is the SDK's default invoke deadline, which the floor's calls carry too. */
async function startGateway(fake: ListeningChild, name: string, settings: GatewaySettings, cli?: string): Promise<Gateway & { readonly timeoutMs: number }> {
  const server = await startServerProcess(JWT_SECRET, {
    offline: false,
    env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${fake.address}/v1` },
    ...(cli === undefined ? {} : { cli }),
    ...(settings.serverNodeArgs ? { nodeArgs: settings.serverNodeArgs } : {}),
  });
  try {
    const contender = tamarClient(server.address, undefined, name, { unary: unaryRequest, stream: unaryRequest });
    return { server, contender, timeoutMs: contender.client.settings.invokeTimeoutMs };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export async function gatewayScenario(settings: GatewaySettings): Promise<GatewayResult> {
  const fake = await startFakeOpenAI();
  const gateways: Gateway[] = [];
  try {
    const ours = await startGateway(fake, "tamar invoke → server → fake", settings);
    gateways.push(ours);
    for (const other of settings.otherServers ?? []) gateways.push(await startGateway(fake, `tamar invoke → ${other.name} server → fake`, settings, other.cli));
    gateways.push(await startBareGateway(fake, ours.timeoutMs));
    const servers = new Map(gateways.map((gateway) => [gateway.contender.name, gateway.server]));
    const contenders = [openAIDirect(`${fake.address}/v1`), ...gateways.map((gateway) => gateway.contender)];
    for (const contender of contenders) {
      await contender.unary(); // connects; the SDK signs its token
      await closedLoop(() => contender.unary(), 32, WARM_UP.calls);
      await closedLoop(async () => void (await contender.stream(() => {})), 8, WARM_UP.streams);
    }
    const unary = [];
    for (const concurrency of [1, 32] as const) unary.push(await unaryRounds(contenders, servers, concurrency, settings.calls[concurrency], settings.rounds));
    const streamSamples = await interleavedRounds(contenders, settings.rounds, async (contender) => {
      const firsts: number[] = [];
      for (let index = 0; index < settings.streams; index++) firsts.push((await timedStream((onFirst) => contender.stream(onFirst))).firstChunkMs);
      return median(firsts);
    });
    return { settings, warmUp: WARM_UP, unary, stream: summarise(contenders, streamSamples, { firstChunkMs: (ms: number) => ms }) };
  } finally {
    for (const gateway of gateways) {
      await gateway.contender.close();
      await gateway.server.stop();
    }
    await fake.stop();
  }
}
