import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import * as serverEntry from "tamar-model-client/server";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

it("the README's Reference server example runs as written", async () => {
  const section = readme.slice(readme.indexOf("## Reference server"), readme.indexOf("\n## ", readme.indexOf("## Reference server") + 1));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const importLine = /^import \{([^}]+)\} from "tamar-model-client\/server";\n/m;
  const names = importLine.exec(code ?? "")?.[1]?.split(",").map((name) => name.trim()) ?? [];
  expect(names).toContain("startModelServer");
  const body = (code ?? "").replace(importLine, "");
  const printed: string[] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction(...names, "console", "process", body);
  const stderr: string[] = [];
  await run(
    ...names.map((name) => serverEntry[name as keyof typeof serverEntry]),
    { log: (line: string) => printed.push(line) },
    { stderr: { write: (line: string) => stderr.push(line) } },
  );
  expect(printed).toEqual([expect.stringMatching(/^calls go to 127\.0\.0\.1:\d+$/)]);
  // the "warn" logger wrote the offline-mode warning and nothing below warn
  expect(stderr.map((line) => JSON.parse(line).level)).toEqual(["warn"]);
});
