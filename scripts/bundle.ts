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
import { chmodSync, cpSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
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
  // No keepNames: its __name helper runs for every closure made per call (and
  // puts the closure's properties in a dictionary), a cost on every call's
  // path. Names stay tsc's except where esbuild renames one to avoid a clash
  // between modules; sameNames below fails the build if that touches a class
  // or an export.
  keepNames: false,
  logLevel: "warning",
});

for (const file of bins) chmodSync(`${root}${file}`, 0o755);
await sameNames();

/**
 * Every class keeps tsc's name (an error class's `constructor.name`, jose's
 * error names, stack frames), and every function or class an entry exports
 * has the `name` it has in tsc's output.
 */
async function sameNames(): Promise<void> {
  const classes = (dir: string) => {
    const found = new Set<string>();
    for (const file of readdirSync(`${root}${dir}`, { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".js")) continue;
      // tsc writes `class X`; esbuild `var X = class`, the class taking its name from the binding.
      for (const match of readFileSync(`${root}${dir}/${file}`, "utf8").matchAll(/\bclass ([A-Za-z_$][\w$]*)|([A-Za-z_$][\w$]*) = class\b/g)) found.add((match[1] ?? match[2])!);
    }
    return found;
  };
  const ours = classes(MODULES);
  // Bundled packages' classes too: a bundle-wide clash renames them alike.
  const problems = [...classes(OUT)].filter((name) => !ours.has(name) && /\d$/.test(name) && ours.has(name.replace(/\d+$/, ""))).map((name) => `class ${name} (renamed by the bundler)`);
  for (const file of exported.filter((target): target is string => target?.endsWith(".js") === true).map(inPackage)) {
    const bundled = (await import(pathToFileURL(`${root}${file}`).href)) as Record<string, unknown>;
    const modules = (await import(pathToFileURL(`${root}${file.replace(new RegExp(`^${OUT}/`), `${MODULES}/`)}`).href)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(bundled)) {
      const expected = modules[key];
      if (typeof value === "function" && typeof expected === "function" && value.name !== expected.name) problems.push(`${file}: ${key}.name is "${value.name}", not "${expected.name}"`);
    }
  }
  if (problems.length > 0) throw new Error(`the bundle changed names:\n${problems.join("\n")}`);
}
