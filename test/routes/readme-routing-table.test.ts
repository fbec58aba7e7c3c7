// The README's routing table is the route table, rendered: a pair added,
// renamed or given an alias shows up there or this test fails.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { RequestPairs, type RequestPairName } from "tamar-model-client";
import { PAIRS } from "../../src/routes/route-table.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const ROUTING_FIELDS = new Set(["provider", "invokeType", "channel", "stream", "userContext"]);
const OPTIONAL = new Set(["optional", "nullish", "exact_optional"]);
const code = (text: string) => `\`${text}\``;

function row(name: RequestPairName): string {
  const { providers, invokeType, aliases } = PAIRS[name];
  const note = "note" in PAIRS[name] ? PAIRS[name].note : undefined;
  const aside = [...(aliases.length > 0 ? [`alias ${aliases.map(code).join(", ")}`] : []), ...(note ? [note] : [])];
  const required = Object.entries(RequestPairs[name].request.entries)
    .filter(([key, schema]) => !ROUTING_FIELDS.has(key) && !OPTIONAL.has(schema.type))
    .map(([key]) => code(key));
  const invoke = aside.length > 0 ? `${code(invokeType)} (${aside.join("; ")})` : code(invokeType);
  return `| ${providers.map(code).join(", ")} | ${invoke} | ${required.join(", ")} |`;
}

it("README's routing table lists every pair of the route table, with its aliases and required fields", () => {
  const expected = [
    "| provider | invokeType | required |",
    "|---|---|---|",
    ...(Object.keys(PAIRS) as RequestPairName[]).map(row),
  ].join("\n");
  const start = readme.indexOf("| provider | invokeType | required |");
  const actual = readme.slice(start, readme.indexOf("\n\n", start));
  expect(actual).toBe(expected);
});
