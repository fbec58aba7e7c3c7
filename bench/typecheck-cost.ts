/**
 * What type-checking costs an application: tsc on a file that makes one
 * `invoke` call, against the built package (dist/*.d.ts, as a user installs
 * it), beside the same file with the call left out. Prints tsc's own
 * `--extendedDiagnostics` numbers (check time, total time, memory, types) for
 * both and the difference. Needs `npm run build` first. Written up in
 * bench/findings.md.
 *
 *   npx tsx bench/typecheck-cost.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(join(root, "dist/index.d.ts"))) throw new Error("dist/index.d.ts is missing: run npm run build first");

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
function measure(source: string): Diagnostics {
  const dir = mkdtempSync(join(root, "bench/.typecheck-"));
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

const keys = ["Types", "Instantiations", "Memory used", "Check time", "Total time"];
const without = measure(empty);
const withCall = measure(call);
const dts = statSync(join(root, "dist/schemas/invoke-request.d.ts")).size;
console.log(`| measure | without the call | with one call |`);
console.log(`|---|---|---|`);
for (const key of keys) console.log(`| ${key} | ${without[key] ?? "?"} | ${withCall[key] ?? "?"} |`);
console.log(`\ndist/schemas/invoke-request.d.ts: ${dts} bytes`);
