// The client entry must not pull in the reference server or a provider SDK:
// users of the client never load them.
import { build } from "esbuild";
import { expect, it } from "vitest";

it("src/index.ts reaches no server module and no provider SDK", async () => {
  const result = await build({
    entryPoints: [new URL("../../src/index.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    packages: "external",
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((path) => path.includes("src/client/"))).toBe(true);
  expect(inputs.filter((path) => path.includes("src/server"))).toEqual([]);
  const external = new Set(Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path)));
  for (const sdk of ["openai", "@google/genai", "@anthropic-ai/sdk"]) {
    expect([...external].filter((path) => path === sdk || path.startsWith(`${sdk}/`))).toEqual([]);
  }
});
