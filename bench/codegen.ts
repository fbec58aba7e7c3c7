// Generates the baseline's and the peer's code into the git-ignored
// bench/.gen (never into src/gen, which CI diffs against buf.gen.yaml).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export const generated = {
  /** ts-proto, outputServices=grpc-js */
  grpcJs: new URL("./.gen/grpc-js/model_service/model_service.ts", import.meta.url).href,
  /** protoc-gen-es */
  es: new URL("./.gen/es/model_service/model_service_pb.js", import.meta.url).href,
};

export function generateBenchCode(): void {
  execFileSync(fileURLToPath(new URL("../node_modules/.bin/buf", import.meta.url)), ["generate", "--template", "bench/buf.gen.bench.yaml"], {
    cwd: root,
    stdio: "inherit",
  });
}
