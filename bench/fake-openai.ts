// A loopback stand-in for api.openai.com's chat completions, run in its own
// process by gateway.ts: the whole completion as JSON, or with `stream: true`
// the SSE chunks OpenAI sends with `stream_options.include_usage` (role chunk,
// text chunks, finish chunk, usage chunk, [DONE]). Bodies mirror
// test/helpers/provider-wire/openai.ts so the real `openai` SDK parses them.
// Prints `listening on http://127.0.0.1:PORT` once it accepts requests.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const USAGE = { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 };
/** Text chunks of a streamed answer. */
const FAKE_STREAM_PIECES = ["Benchmarks", " measure", " the", " gateway."];

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: FAKE_STREAM_PIECES.join(""), refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: USAGE,
});

const chunk = (delta: object, finishReason: string | null = null, usage: object | null = null) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gpt-4o-mini",
    choices: usage ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage,
  })}\n\n`;

const streamEvents = [
  chunk({ role: "assistant", content: "" }),
  ...FAKE_STREAM_PIECES.map((content) => chunk({ content })),
  chunk({}, "stop"),
  chunk({}, null, USAGE),
  "data: [DONE]\n\n",
];

function answer(res: ServerResponse, stream: boolean): void {
  if (!stream) {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(completion) });
    res.end(completion);
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const event of streamEvents) res.write(event);
  res.end();
}

const server = createServer(async (req, res) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error", param: null, code: "not_found" } }));
    return;
  }
  const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as { stream?: boolean };
  answer(res, body.stream === true);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
