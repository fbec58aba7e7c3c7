// Load from one contender only, for `node --cpu-prof`: where does its time go?
//   npx tsx --cpu-prof --cpu-prof-dir=bench bench/profile.ts [contender] [unary|stream] [concurrency]
// The server runs in its own process and is not profiled. Profiles
// (bench/*.cpuprofile) are git-ignored.
import { generateBenchCode } from "./codegen.js";
import { closedLoop, timedStream } from "./measure.js";
import { startServerProcess } from "./server-process.js";
import { prepareContenders } from "./setup.js";
import { JWT_SECRET } from "./workload.js";

const [name = "tamar", mode = "unary", concurrency = "64"] = process.argv.slice(2);
generateBenchCode();
const server = await startServerProcess(JWT_SECRET);
const contenders = await prepareContenders(server.address);
try {
  const contender = contenders.all.find((candidate) => candidate.name.startsWith(name));
  if (!contender) throw new Error(`no contender named ${name}: ${contenders.all.map((c) => c.name).join(", ")}`);
  for (let run = 0; run < 3; run++) {
    const result =
      mode === "stream"
        ? await timedStream((onFirst) => contender.stream(onFirst))
        : await closedLoop(() => contender.unary(), Number(concurrency), 10_000);
    console.log(contender.name, mode, result);
  }
} finally {
  await contenders.close();
  await server.stop();
}
