// The README's demo (`npm run demo`): starts the reference Model Manager
// server on loopback with its offline provider, then calls it through the
// client: one answer, a stream, a batch, an asynchronous video task from
// submission to completion, and a request refused before it leaves the
// process. No account and no network needed.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createModelClient, invoke, invokeBatch, invokeStream, ValidationError, waitForTask } from "tamar-model-client";
import { startModelServer } from "tamar-model-client/server";

export async function main(log: (line: string) => void = console.log): Promise<void> {
  // One shared secret: the server verifies the JWTs the client signs with it.
  const jwtSecretKey = randomBytes(32).toString("base64url");
  // The offline provider "renders" a video in half a second: long enough to see the task processing.
  await using server = await startModelServer({ host: "127.0.0.1", port: 0, jwtSecretKey, offline: true, offlineTaskDelayMs: 500 });
  log(`reference server listening on ${server.address} (offline provider, JWT required)`);

  // The demo ignores MODEL_MANAGER_SERVER_* variables and .env so that it
  // always talks to the server it just started.
  await using client = createModelClient({ address: server.address, jwtSecretKey, useTls: false, env: {}, envFile: false });
  const userContext = { orgId: "demo-org", userId: "demo-user", clientType: "demo" };

  const answer = await invoke(client, {
    provider: "openai",
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Say hello to gRPC." }],
    max_tokens: 12,
    userContext,
  });
  log(`invoke:       ${answer.content} [finish: ${answer.finishReason}, tokens: ${answer.usage?.total_tokens}]`);

  const chunks: string[] = [];
  for await (const chunk of invokeStream(client, {
    provider: "google",
    model: "gemini-2.5-flash",
    contents: "Stream a short line, please.",
    config: { maxOutputTokens: 8 },
    userContext,
  })) {
    if (chunk.content) chunks.push(chunk.content);
  }
  log(`invokeStream: ${chunks.length} chunks: ${chunks.join("")}`);

  const batch = await invokeBatch(client, {
    userContext,
    items: [
      { customId: "greeting", provider: "anthropic", model: "claude-sonnet-4-5", max_tokens: 6, messages: [{ role: "user", content: "Hi!" }] },
      { customId: "summary", priority: 5, provider: "azure", model: "gpt-4o", input: "Summarise HTTP/2 in a line." },
    ],
  });
  for (const item of batch.responses) log(`invokeBatch:  ${item.customId} -> ${item.error ?? item.content}`);

  // Video generation runs as an asynchronous task: invoke answers at once with its id.
  const task = await invoke(client, {
    provider: "openai",
    model: "sora-2",
    prompt: "A paper kite over a calm sea at dawn.",
    seconds: "4",
    enableAsyncTask: true,
    userContext,
  });
  log(`video task:   ${task.taskId} ${task.status}`);
  const done = await waitForTask(client, task.taskId, { userContext, pollIntervalMs: 200, timeoutMs: 30_000 });
  const [video] = (done.resultData?.["videos"] ?? []) as Array<{ mime_type: string; size_bytes: number }>;
  log(`video task:   ${done.status} after ${done.completedAt!.getTime() - done.createdAt!.getTime()} ms: ${video?.mime_type}, ${video?.size_bytes} bytes`);

  try {
    // `temperature` belongs inside `config` for Google: refused before any I/O.
    await invoke(client, { provider: "google", model: "gemini-2.5-flash", contents: "hi", temperature: 0.2, userContext } as never);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    log(`validation:   ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
