// Builds dist/ from tsc's output in build/tsc: each file package.json points
// users at (exports and bins) becomes an esbuild bundle, so a fresh process
// resolves and loads a handful of files instead of one per source module
// (cold start, issue 17); the declaration files are copied as tsc wrote them,
// so the package's types do not change.
//
// Code shared by several entries lives in one chunk, so an error class or a
// registry is the same object whichever entry a user imports it from.
// build/tsc keeps every module on its own for the benchmarks, which measure
// internal pieces; it is not part of the package.
import { chmodSync, cpSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const MODULES = "build/tsc";
const OUT = "dist";
const packageJson = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as {
  exports: Record<string, string | { default?: string }>;
  bin: Record<string, string>;
};

const inPackage = (file: string) => file.replace(/^\.\//, "");
const bins = Object.values(packageJson.bin).map(inPackage);
const exported = Object.values(packageJson.exports).map((target) => (typeof target === "string" ? target : target.default));
const entries = [...new Set([...exported.filter((file): file is string => file?.endsWith(".js") === true).map(inPackage), ...bins])];

cpSync(`${root}${MODULES}`, `${root}${OUT}`, { recursive: true, filter: (source) => !source.endsWith(".js") });

await build({
  absWorkingDir: root,
  entryPoints: entries.map((file) => file.replace(new RegExp(`^${OUT}/`), `${MODULES}/`)),
  outdir: OUT,
  outbase: MODULES,
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

for (const file of bins) chmodSync(`${root}${file}`, 0o755);
