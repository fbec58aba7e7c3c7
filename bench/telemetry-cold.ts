// What a client's telemetry costs a fresh process: ms of createModelClient()
// (the package already imported) and whether it loaded @opentelemetry/api,
// with the API installed and no SDK registered, for this build and another
// (`--other`), in fresh processes taking turns.
//   npx tsx bench/telemetry-cold.ts --other=OTHER_DIST [--processes=N]
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const child = option("child");
const TSX = fileURLToPath(new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url));
const SELF = fileURLToPath(import.meta.url);

if (child) {
  const tamar = (await import(pathToFileURL(`${resolve(child)}/index.js`).href)) as typeof import("tamar-model-client");
  const started = performance.now();
  const client = tamar.createModelClient({ address: "127.0.0.1:1", useTls: false, env: {}, envFile: false, jwtSecretKey: "cold-start-secret-cold-start-secret" });
  const ms = performance.now() - started;
  const apiLoaded = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("@opentelemetry/api/"));
  await client.close();
  console.log(JSON.stringify({ ms, apiLoaded }));
  process.exit(0);
}

const other = option("other");
const builds: Array<[string, string]> = [["this build", fileURLToPath(new URL("../dist", import.meta.url))], ...(other ? ([["other build", resolve(other)]] as Array<[string, string]>) : [])];
const processes = Number(option("processes") ?? 9);
const samples = new Map(builds.map(([name]) => [name, [] as Array<{ ms: number; apiLoaded: boolean }>]));
for (let round = 0; round < processes; round++) {
  for (const [name, dist] of builds) {
    const out = execFileSync(process.execPath, ["--import", TSX, SELF, `--child=${dist}`], { encoding: "utf8" });
    samples.get(name)!.push(JSON.parse(out.trim().split("\n").at(-1)!) as { ms: number; apiLoaded: boolean });
  }
}
console.log(`createModelClient() in a fresh process, @opentelemetry/api installed, no SDK (median of ${processes}, min–max)`);
console.log("| build | ms | loads @opentelemetry/api |\n|---|---|---|");
for (const [name, list] of samples) {
  const ms = list.map((sample) => sample.ms);
  console.log(`| ${name} | ${median(ms).toFixed(2)} (${Math.min(...ms).toFixed(2)}–${Math.max(...ms).toFixed(2)}) | ${list.every((s) => s.apiLoaded) ? "yes" : list.some((s) => s.apiLoaded) ? "some" : "no"} |`);
}
