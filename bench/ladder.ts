// Where does the SDK's unary cost live? Bare nice-grpc on the SDK's own
// channel, then the SDK's middlewares added one at a time, then the whole
// `invoke()`, all interleaved round by round (as the bench's contenders) at
// one concurrency, each rung's ratios paired with raw grpc-js:
//   npx tsx bench/ladder.ts [concurrency=1] [calls per round=1000] [rounds=10]
// Needs `npm run build` first (it measures dist, as the bench does).
import { randomUUID } from "node:crypto";
import { type ClientMiddleware, createClientFactory, Metadata } from "nice-grpc";
import type { WireModelResponseItem } from "tamar-model-client/middleware";
import { chainInternals, tamar } from "./client-under-test.js";
import type { Contender } from "./contenders/contender.js";
import { generateBenchCode } from "./codegen.js";
import { closedLoop, interleavedRounds, type UnarySample } from "./measure.js";
import { startServerProcess } from "./server-process.js";
import { prepareContenders } from "./setup.js";
import { median, pairedRatio } from "./stats.js";
import { JWT_SECRET, TENANT, unaryRequest } from "./workload.js";

const [concurrency = 1, calls = 1000, rounds = 10] = process.argv.slice(2).map(Number);

generateBenchCode();
const server = await startServerProcess(JWT_SECRET);
const contenders = await prepareContenders(server.address);
try {
  const { sdk, wire, baseline } = contenders;
  const { channel, settings } = sdk.client;
  const item = wire.unaryItem;
  const attemptMetadata = chainInternals.createAttemptMetadataMiddleware(chainInternals.createAuthorization({ secretKey: JWT_SECRET }));
  // The SDK's chain, outermost first, as createModelClient builds it (left
  // out: nice-grpc's retry for unary methods, which Invoke skips, and the
  // request-id option middleware, which passes through when startCall has set
  // the id, as it always does).
  const layers: Array<[string, ClientMiddleware<any, any>]> = [
    ["+ deadlineMiddleware", tamar.deadlineMiddleware],
    ["+ streamTimeoutsMiddleware", tamar.streamTimeoutsMiddleware],
    ["+ streamRetryMiddleware", tamar.streamRetryMiddleware],
    ["+ attempt metadata (x-request-id, grpc-timeout, token)", attemptMetadata],
  ];
  // The options the SDK's startCall hands its chain for one invoke.
  const callOptions = () => {
    const own = new AbortController();
    return {
      retry: true,
      retryMaxAttempts: settings.maxRetries,
      retryBaseDelayMs: settings.retryDelayMs,
      retryMaxDelayMs: settings.retryMaxDelayMs,
      retryableStatuses: settings.retryableCodes,
      signal: own.signal,
      callAbortController: own,
      requestId: randomUUID(),
      deadline: settings.invokeTimeoutMs,
      userContext: TENANT,
    };
  };
  // What the layers not yet added would have put in the metadata.
  const timeout = tamar.grpcTimeout(settings.invokeTimeoutMs);
  const rung = (name: string, depth: number): Contender => {
    let factory = createClientFactory();
    for (const [, middleware] of layers.slice(0, depth).reverse()) factory = factory.use(middleware) as typeof factory;
    const client = factory.create(tamar.ModelServiceDefinition, channel);
    const has = (layer: string) => layers.slice(0, depth).some(([label]) => label.includes(layer));
    return {
      name,
      async unary() {
        const options: Record<string | symbol, unknown> = callOptions();
        if (!has("attempt metadata")) {
          options["metadata"] = Metadata()
            .set("x-request-id", options["requestId"] as string)
            .set("grpc-timeout", timeout)
            .set("authorization", wire.authorization);
        }
        let messages = 0;
        for await (const _ of client.invoke(item, options)) messages++;
        if (messages !== 1) throw new Error(`${name}: ${messages} answers`);
      },
      stream: async () => 0,
      close: async () => {},
    };
  };
  const ladder: Contender[] = [
    baseline,
    contenders.all.find((contender) => contender.diagnostic)!,
    rung("nice-grpc on the SDK's channel", 0),
    ...layers.map(([name], index) => rung(name, index + 1)),
    { ...sdk, name: "client.service.invoke (the SDK's chain)", unary: async () => void (await drainService(item)) },
    {
      ...sdk,
      name: "+ buildInvokeRequest per call",
      unary: async () => void (await drainService((await tamar.buildInvokeRequest(unaryRequest, false)).item)),
    },
    {
      ...sdk,
      name: "+ toModelResponse",
      unary: async () => {
        const answer = await drainService((await tamar.buildInvokeRequest(unaryRequest, false)).item);
        tamar.toModelResponse(answer!, "id");
      },
    },
    { ...sdk, name: "invoke()" },
  ];
  async function drainService(request: typeof item) {
    let first: WireModelResponseItem | undefined;
    for await (const message of sdk.client.service.invoke(request, callOptions())) first ??= message;
    return first;
  }
  for (const contender of ladder) await contender.unary();
  const measured = await interleavedRounds(ladder, rounds, async (contender) => {
    const before = process.cpuUsage();
    const sample = await closedLoop(() => contender.unary(), concurrency, calls);
    const { user, system } = process.cpuUsage(before);
    return { ...sample, user: user / calls, system: system / calls };
  });
  const base = measured.get(baseline.name)!;
  const rows = ladder.map((contender) => {
    const own = measured.get(contender.name)!;
    const col = (read: (s: UnarySample & { user: number; system: number }) => number) => ({ median: median(own.map(read)), ratio: pairedRatio(own.map(read), base.map(read)) });
    return { name: contender.name, p50: col((s) => s.p50Ms), rps: col((s) => s.perSecond), cpu: col((s) => s.cpuMicrosPerCall), user: col((s) => s.user), system: col((s) => s.system) };
  });
  console.log(`c=${concurrency}, ${calls} calls x ${rounds} rounds`);
  console.log("| rung | p50 µs | × raw | req/s | × raw | client CPU µs/call | × raw | of which user | system |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const { name, p50, rps, cpu, user, system } of rows) {
    console.log(
      `| ${name} | ${(p50.median * 1000).toFixed(0)} | ${p50.ratio.toFixed(3)} | ${rps.median.toFixed(0)} | ${rps.ratio.toFixed(3)} | ${cpu.median.toFixed(0)} | ${cpu.ratio.toFixed(3)} | ${user.median.toFixed(0)} | ${system.median.toFixed(0)} |`,
    );
  }
} finally {
  await contenders.close();
  await server.stop();
}
