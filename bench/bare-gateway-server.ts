// The least a gateway on this stack can be, run by gateway.ts in its own
// process as the floor of its rows: a plain @grpc/grpc-js server (ts-proto's
// grpc-js service) whose Invoke hands the request's `extra` (model, messages,
// …) to the `openai` SDK — over the reference server's own node:http fetch,
// the cheaper of the two transports — and answers each completion or chunk as
// a ModelResponseItem. No auth, validation, routing, dedup, logging, telemetry
// or error mapping: what the reference server adds over this is its own.
// argv[2] is the fake upstream's base URL; prints `listening on 127.0.0.1:PORT`.
import * as grpc from "@grpc/grpc-js";
import OpenAI from "openai";
import { createNodeHttpFetch } from "../src/server/providers/node-http-fetch.js";
import { generated } from "./codegen.js";
import type { WireModelRequestItem, WireModelResponseItem } from "tamar-model-client/middleware";

interface GeneratedService {
  ModelServiceService: grpc.ServiceDefinition;
}

const baseURL = process.argv[2];
if (!baseURL) throw new Error("usage: bare-gateway-server.ts UPSTREAM_BASE_URL");
const { ModelServiceService } = (await import(generated.grpcJs)) as GeneratedService;
const openai = new OpenAI({ apiKey: "sk-bench-fake", baseURL, fetch: createNodeHttpFetch() });

type Body = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
const answer = (content: string | null | undefined, raw: object, usage: object | null | undefined): WireModelResponseItem => ({
  content: content ?? "",
  rawResponse: JSON.stringify(raw),
  usage: usage ? JSON.stringify(usage) : "",
  error: "",
});

async function invoke(call: grpc.ServerWritableStream<WireModelRequestItem, WireModelResponseItem>): Promise<void> {
  const { extra, stream } = call.request;
  const body = extra as unknown as Body;
  if (!stream) {
    const completion = await openai.chat.completions.create(body);
    call.write(answer(completion.choices[0]?.message.content, completion, completion.usage));
    return;
  }
  for await (const chunk of await openai.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } })) {
    call.write(answer(chunk.choices[0]?.delta.content, chunk, chunk.usage));
  }
}

const server = new grpc.Server();
server.addService(ModelServiceService, {
  invoke: (call: grpc.ServerWritableStream<WireModelRequestItem, WireModelResponseItem>) =>
    invoke(call).then(
      () => call.end(),
      (error: unknown) => call.destroy(error as Error),
    ),
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`listening on 127.0.0.1:${port}\n`);
});
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
