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
import { build, type Plugin } from "esbuild";

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

// Dependencies whose objects never reach a user: bundled (tree-shaken where they
// are ES modules), so a fresh process neither resolves nor compiles them file by
// file. Every other package stays an import resolved by the user's install:
// @grpc/grpc-js and nice-grpc-common, whose classes (ClientError, Status,
// Metadata, channels) cross the public API and meet users' own middlewares and
// `instanceof` checks, and the optional peers. abort-controller-x is nice-grpc's
// and the retry middleware's own; it tells abort errors by name, not identity.
// valibot's schemas are plain objects any valibot runs; only its global message
// and config settings are per copy, and this package sets none.
// package.json still declares them all: the declaration files import their types.
const BUNDLED = new Set(["nice-grpc", "nice-grpc-client-middleware-retry", "abort-controller-x", "valibot", "@bufbuild/protobuf", "jose"]);
const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
// CommonJS-only packages of those: loaded with require() even where the code
// imports them. Node's import of a CommonJS module first scans its source (and
// every file it re-exports) for export names; require() skips that scan and
// returns the same module object, the one users' own imports get.
const REQUIRED = new Set(["@grpc/grpc-js", "nice-grpc-common"]);
const REQUIRE = "require-commonjs";
const bundleOnlyInternalDependencies: Plugin = {
  name: "bundle-only-internal-dependencies",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (BUNDLED.has(packageOf(args.path))) return undefined;
      if (REQUIRED.has(args.path) && args.kind === "import-statement") return { path: args.path, namespace: REQUIRE };
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: REQUIRE }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: root }));
  },
};

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
  plugins: [bundleOnlyInternalDependencies],
  // The bundled CommonJS packages require the external ones; ES modules have no `require` of their own.
  banner: { js: `import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);` },
  // Keeps class and function names (error names, stack frames) as tsc wrote them.
  keepNames: true,
  logLevel: "warning",
});

for (const file of bins) chmodSync(`${root}${file}`, 0o755);
