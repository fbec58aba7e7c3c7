// Rewrites the package's entry files in dist/ as esbuild bundles of the
// modules tsc emitted, so a fresh process resolves and loads a handful of
// files instead of one per source module (cold start, issue 17).
//
// tsc's output stays beside the bundles: the declaration files are the
// package's types (unchanged), and the benchmarks load internal modules from
// it. Only the entries named in package.json's exports point at bundles.
// Code shared by several entries lives in one chunk, so an error class or
// a registry is the same object whichever entry a user imports it from.
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const packageJson = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as {
  exports: Record<string, string | { default?: string }>;
  bin: Record<string, string>;
};

/** Every JavaScript file package.json points users at: export targets and bins. */
function entryFiles(): string[] {
  const targets = Object.values(packageJson.exports).map((target) => (typeof target === "string" ? target : target.default));
  const files = [...targets, ...Object.values(packageJson.bin)].filter((file): file is string => file?.endsWith(".js") === true);
  return [...new Set(files.map((file) => file.replace(/^\.\//, "")))];
}

const CHUNKS = "dist/chunks";
rmSync(`${root}${CHUNKS}`, { recursive: true, force: true });

const entries = entryFiles();
await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: "dist",
  outbase: "dist",
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  // Dependencies are resolved by the user's install, as before.
  packages: "external",
  // Keeps class and function names (error names, stack frames) as tsc wrote them.
  keepNames: true,
  logLevel: "warning",
});

for (const file of Object.values(packageJson.bin)) chmodSync(`${root}${file.replace(/^\.\//, "")}`, 0o755);
