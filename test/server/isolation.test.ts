/**
 * The client entry never reaches server code, and the server entry loads no
 * provider SDK until a route needs one: checked on the real module graph.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SDKS = ["openai", "@google/genai", "@anthropic-ai/sdk"];

async function moduleGraph(entry: string) {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent",
  });
  const output = Object.values(result.metafile.outputs)[0];
  return {
    files: Object.keys(result.metafile.inputs),
    packages: (output?.imports ?? []).filter((item) => item.external).map((item) => ({ path: item.path, kind: item.kind })),
  };
}

describe("module isolation", () => {
  it("the client entry (src/index.ts) imports nothing from src/server nor any provider SDK", async () => {
    const graph = await moduleGraph("src/index.ts");
    expect(graph.files.length).toBeGreaterThan(1);
    expect(graph.files.filter((file) => file.startsWith("src/server/"))).toEqual([]);
    expect(graph.packages.filter((item) => SDKS.includes(item.path))).toEqual([]);
  });

  it("the server entry has no static import of a provider SDK (they load lazily, on first use)", async () => {
    const graph = await moduleGraph("src/server/index.ts");
    expect(graph.files).toContain("src/server/providers/openai-provider.ts");
    expect(graph.packages.filter((item) => SDKS.some((sdk) => item.path === sdk || item.path.startsWith(`${sdk}/`)))).toEqual([]);
    expect(graph.packages.map((item) => item.path)).toContain("nice-grpc");
  });
});
