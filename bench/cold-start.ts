// Cold start of the client entry: import time in fresh processes, the
// minified size of our own code in a tree-shaken bundle, and the modules the
// entry loads (never the server, never a provider SDK).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { median } from "./stats.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

/** Something to import in a fresh process; the first one is the baseline. */
export interface ImportTarget {
  name: string;
  specifier: string;
}

export const importTargets: ImportTarget[] = [
  { name: "@grpc/grpc-js (baseline)", specifier: "@grpc/grpc-js" },
  { name: "tamar-model-client entry", specifier: join(dist, "index.js") },
  { name: "nice-grpc", specifier: "nice-grpc" },
  { name: "@connectrpc/connect-node", specifier: "@connectrpc/connect-node" },
];

// Runs in a fresh `node` from the repository root, so bare specifiers resolve as for a user.
function importMillis(specifier: string): number {
  const script = `const started = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - started));`;
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" }));
}

/** Median import time (ms) of each target over `runs` fresh processes, the targets taking turns. */
export function importTimes(runs: number): Map<string, number> {
  const samples = new Map<string, number[]>(importTargets.map((target) => [target.name, []]));
  for (let run = 0; run <= runs; run++) {
    for (const target of importTargets) {
      const millis = importMillis(target.specifier);
      if (run > 0) samples.get(target.name)!.push(millis); // run 0 warms the disk cache
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

export interface BundleSize {
  exports: string;
  /** Minified bytes of this package's own modules in the bundle. */
  ownBytes: number;
  /** Of which generated code (src/gen). */
  generatedBytes: number;
  /** Biggest own modules, bytes. */
  largest: Array<[string, number]>;
}

/**
 * Minified size of our own code in an esbuild bundle importing `names` from the
 * entry, dependencies external. It starts from the sources, not from
 * dist/index.js: that file is itself a bundle, which would hide which module
 * the bytes come from.
 */
export async function bundleSize(names: string[]): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: `export { ${names.join(", ")} } from ${JSON.stringify(join(root, "src", "index.ts"))};`, resolveDir: root },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    packages: "external",
    write: false,
    metafile: true,
    outfile: "bundle.js",
    logLevel: "silent",
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const own = Object.entries(output.inputs)
    .filter(([path]) => path.startsWith("src/"))
    .map(([path, input]) => [path, input.bytesInOutput] as [string, number])
    .sort((a, b) => b[1] - a[1]);
  const sum = (entries: Array<[string, number]>) => entries.reduce((total, [, bytes]) => total + bytes, 0);
  return {
    exports: names.join(" + "),
    ownBytes: sum(own),
    generatedBytes: sum(own.filter(([path]) => path.startsWith("src/gen/"))),
    largest: own.slice(0, 5),
  };
}

// Records every module URL the ESM loader loads, and every CommonJS file in
// require's cache, into the file given as `data`.
const recordLoads = `
import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data; }
export async function load(url, context, next) { appendFileSync(file, url + "\\n"); return next(url, context); }
`;

export interface LoadedModules {
  count: number;
  /** Loaded modules of the reference server or of a provider SDK: must be none. */
  forbidden: string[];
}

const forbidden = [/\/dist\/server\//, /\/node_modules\/(openai|@google\/genai|@anthropic-ai\/sdk)\//];

/** What importing the built client entry loads, in a fresh process. */
export function loadedModules(): LoadedModules {
  const dir = mkdtempSync(join(tmpdir(), "tamar-bench-"));
  try {
    const log = join(dir, "loads.txt");
    const hook = `data:text/javascript,${encodeURIComponent(recordLoads)}`;
    const script = `
      import { register, createRequire } from "node:module";
      import { appendFileSync } from "node:fs";
      register(${JSON.stringify(hook)}, { data: ${JSON.stringify(log)} });
      await import(${JSON.stringify(join(dist, "index.js"))});
      appendFileSync(${JSON.stringify(log)}, Object.keys(createRequire(import.meta.url).cache).join("\\n") + "\\n");`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    const urls = [...new Set(readFileSync(log, "utf8").split("\n").filter((line) => line && !line.startsWith("data:")))];
    const paths = urls.map((url) => (url.startsWith("file:") ? fileURLToPath(url) : url));
    return { count: paths.filter((path) => !path.startsWith("node:")).length, forbidden: paths.filter((path) => forbidden.some((re) => re.test(path))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
