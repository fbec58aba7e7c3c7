// The SDK's per-item work of a big batch without the network, two builds in
// one process taking turns: validating and building the request
// (buildBatchRequest) and mapping the answer's items (toModelResponse, as
// invokeBatch does for each). Usage: tsx bench/batch-path.ts OTHER_DIST [rounds]
import { pathToFileURL } from "node:url";
import { modulesOf } from "./client-under-test.js";
import { BIG_BATCH_ITEMS, TENANT, unaryRequest } from "./workload.js";

type BuildRequest = typeof import("../src/client/request/build-request.js");
type MapResponse = typeof import("../src/client/response/model-response.js");

interface Build {
  name: string;
  build: BuildRequest["buildBatchRequest"];
  map: MapResponse["toModelResponse"];
}

async function load(name: string, dist: URL): Promise<Build> {
  const modules = modulesOf(dist);
  const { buildBatchRequest } = (await import(new URL("client/request/build-request.js", modules).href)) as BuildRequest;
  const { toModelResponse } = (await import(new URL("client/response/model-response.js", modules).href)) as MapResponse;
  return { name, build: buildBatchRequest, map: toModelResponse };
}

const other = process.argv[2];
if (!other) throw new Error("usage: tsx bench/batch-path.ts OTHER_DIST [rounds]");
const rounds = Number(process.argv[3] ?? 30);
const builds = [await load("this build", new URL("../dist/", import.meta.url)), await load(`other (${other})`, pathToFileURL(other.endsWith("/") ? other : `${other}/`))];

const { userContext: _, ...item } = unaryRequest;
const request = { userContext: TENANT, items: Array.from({ length: BIG_BATCH_ITEMS }, () => item) };
const raw = (index: number) =>
  JSON.stringify({
    id: `chatcmpl-${index}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: "A short answer.", refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 20, completion_tokens: 16, total_tokens: 36 },
  });
const answerItems = Array.from({ length: BIG_BATCH_ITEMS }, (_, index) => ({
  content: "A short answer.",
  usage: JSON.stringify({ prompt_tokens: 20, completion_tokens: 16, total_tokens: 36 }),
  rawResponse: raw(index),
  error: "",
  requestId: "",
  customId: `#${index}`,
}));

const samples = new Map(builds.map((b) => [b.name, { build: [] as number[], map: [] as number[] }]));
let sink = 0;
for (let round = 0; round < rounds + 3; round++) {
  for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
    let started = performance.now();
    const built = await b.build(request);
    const buildMs = performance.now() - started;
    started = performance.now();
    for (const answer of answerItems) sink += b.map(answer, "req").content!.length;
    const mapMs = performance.now() - started;
    sink += built.customIds.length;
    if (round >= 3) {
      samples.get(b.name)!.build.push(buildMs);
      samples.get(b.name)!.map.push(mapMs);
    }
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const [mine, theirs] = builds.map((b) => samples.get(b.name)!);
console.log(`${BIG_BATCH_ITEMS} items, ${rounds} paired rounds, medians; this/other is the median of per-round ratios (sink ${sink % 7})`);
for (const phase of ["build", "map"] as const) {
  const a = median(mine![phase]);
  const b = median(theirs![phase]);
  const ratio = median(mine![phase].map((ms, round) => ms / theirs![phase][round]!));
  console.log(`${phase}: this ${a.toFixed(1)} ms (${((a * 1000) / BIG_BATCH_ITEMS).toFixed(2)} µs/item), other ${b.toFixed(1)} ms, this/other ${ratio.toFixed(3)}`);
}
