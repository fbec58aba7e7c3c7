// The big-batch scenario alone, with other builds' invokeBatch interleaved as
// more rows: `tsx bench/big-batch-paired.ts [--rounds=N] OTHER_DIST…`. The
// table's ratios are against raw grpc-js measured in the same rounds.
import { basename, dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { bigBatchScenario } from "./big-batch.js";
import { loadSdk } from "./client-under-test.js";
import { generateBenchCode } from "./codegen.js";
import { tamarClient } from "./contenders/tamar-client.js";
import { startServerProcess } from "./server-process.js";
import { buildWireSetup } from "./setup.js";
import { BIG_BATCH_ITEMS, JWT_SECRET } from "./workload.js";

const args = process.argv.slice(2);
const rounds = Number(args.find((arg) => arg.startsWith("--rounds="))?.slice("--rounds=".length) ?? 9);
const otherDists = args.filter((arg) => !arg.startsWith("--")).map((dist) => resolve(dist));

generateBenchCode();
const server = await startServerProcess(JWT_SECRET, { args: ["--max-batch-items", String(BIG_BATCH_ITEMS)] });
const sdk = tamarClient(server.address);
const others = await Promise.all(
  otherDists.map(async (dist) => {
    const other = await loadSdk(pathToFileURL(`${dist}/`));
    return { name: basename(dirname(dist)), invokeBatch: other.invokeBatch, client: tamarClient(server.address, other).client };
  }),
);
try {
  const wire = await buildWireSetup(server.address, sdk.client.settings.invokeTimeoutMs);
  const result = await bigBatchScenario(sdk.client, wire, BIG_BATCH_ITEMS, rounds, others);
  process.stdout.write(`${result.items} items, ${rounds} rounds, medians; × raw is the median of per-round ratios to raw grpc-js\n`);
  for (const row of result.rows) {
    const { wallMs, clientCpuPerItem } = row.metrics;
    process.stdout.write(
      `${row.name.padEnd(28)} wall ${wallMs.median.toFixed(1)} ms (${wallMs.ratio.toFixed(2)}× raw)  client CPU ${clientCpuPerItem.median.toFixed(1)} µs/item (${clientCpuPerItem.ratio.toFixed(2)}× raw)\n`,
    );
  }
} finally {
  await sdk.close();
  for (const other of others) await other.client.close();
  await server.stop();
}
