/**
 * What type-checking costs an application: tsc on a file that makes one
 * `invoke` call, against the built package (dist/*.d.ts, as a user installs
 * it), beside the same file with the call left out. Prints tsc's own
 * `--extendedDiagnostics` numbers (check time, total time, memory, types)
 * for both, medians over rounds, and the size of the declarations. With
 * `--other=DIR` (another checkout with its own `dist` and `node_modules`,
 * e.g. an old build) both builds are measured in the same rounds, their runs
 * interleaved, so the comparison shares the machine's load. Needs
 * `npm run build` first. Written up in bench/findings.md.
 *
 *   npx tsx bench/typecheck-cost.ts [--other=DIR] [--rounds=N]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const other = argument("other");
const rounds = Number(argument("rounds") ?? (other ? 5 : 3));
const builds = [{ name: "this build", root }, ...(other ? [{ name: "other build", root: resolve(other) }] : [])];
for (const build of builds) {
  if (!existsSync(join(build.root, "dist/index.d.ts"))) throw new Error(`${build.root}/dist/index.d.ts is missing: build it first`);
}

const header = `import { createModelClient, invoke } from "tamar-model-client";
const client = createModelClient({ address: "127.0.0.1:50051" });
const userContext = { orgId: "o", userId: "u", clientType: "c" };
`;
const call = `const answer = await invoke(client, {
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello" }],
  max_tokens: 100,
  userContext,
});
console.log(answer.content, userContext);
`;
const empty = "console.log(client, userContext);\n";

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  },
  files: ["app.ts"],
};

type Diagnostics = Record<string, string>;

// The scratch project sits inside the package so `tamar-model-client` resolves
// to its own exports (dist), as it does for an installed copy.
function measure(packageRoot: string, source: string): Diagnostics {
  const dir = mkdtempSync(join(packageRoot, "bench/.typecheck-"));
  try {
    writeFileSync(join(dir, "app.ts"), `${header}${source}export {};\n`);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const out = execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir, "--extendedDiagnostics"], {
      encoding: "utf8",
    });
    return Object.fromEntries(
      out
        .split("\n")
        .map((line) => /^([A-Za-z ]+):\s+(.+)$/.exec(line.trim()))
        .filter((match) => match !== null)
        .map((match) => [match[1]!.trim(), match[2]!.trim()]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const number = (text: string | undefined) => Number.parseFloat(text ?? "NaN");
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function declarationBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += declarationBytes(path);
    else if (entry.name.endsWith(".d.ts")) total += statSync(path).size;
  }
  return total;
}

// keys: what tsc reports; times in seconds, memory in K, counts as they are.
const keys = ["Check time", "Total time", "Memory used", "Types", "Instantiations"] as const;
type Sample = Record<(typeof keys)[number], number>;
const samples = new Map(builds.map((build) => [build.name, { without: [] as Sample[], withCall: [] as Sample[] }]));
const sample = (diagnostics: Diagnostics) => Object.fromEntries(keys.map((key) => [key, number(diagnostics[key])])) as Sample;

for (let round = 0; round < rounds; round += 1) {
  // Order rotates per round so neither build always runs first.
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  for (const build of order) {
    const runs = samples.get(build.name)!;
    runs.without.push(sample(measure(build.root, empty)));
    runs.withCall.push(sample(measure(build.root, call)));
  }
}

const format = (key: (typeof keys)[number], value: number) =>
  key.endsWith("time") ? `${value.toFixed(2)} s` : key === "Memory used" ? `${(value / 1000).toFixed(1)} MB` : String(Math.round(value));

console.log(`tsc ${execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-v"], { encoding: "utf8" }).trim()}, ${rounds} rounds, medians\n`);
console.log(`| measure | ${builds.map((build) => `${build.name}: without the call | with one call | added by the call`).join(" | ")} |`);
console.log(`|---|${builds.map(() => "---|---|---|").join("")}`);
for (const key of keys) {
  const cells = builds.map((build) => {
    const runs = samples.get(build.name)!;
    const added = median(runs.withCall.map((run, index) => run[key] - runs.without[index]![key]));
    return `${format(key, median(runs.without.map((run) => run[key])))} | ${format(key, median(runs.withCall.map((run) => run[key])))} | ${format(key, added)}`;
  });
  console.log(`| ${key} | ${cells.join(" | ")} |`);
}
console.log("");
for (const build of builds) {
  const invokeRequest = statSync(join(build.root, "dist/schemas/invoke-request.d.ts")).size;
  console.log(
    `${build.name}: dist/schemas/invoke-request.d.ts ${invokeRequest} bytes, dist/schemas/*.d.ts ${declarationBytes(join(build.root, "dist/schemas"))} bytes, dist/**/*.d.ts ${declarationBytes(join(build.root, "dist"))} bytes`,
  );
}
