// The README's demo: starts the reference Model Manager server on loopback
// with its offline provider and calls it through the client. No account and
// no network needed.
import { pathToFileURL } from "node:url";
import { createChannel, createClient } from "nice-grpc";
import { ModelServiceDefinition } from "tamar-model-client";
import { startModelServer } from "tamar-model-client/server";

export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  // Offline whatever credentials the machine has; this raw client sends no JWT.
  const server = await startModelServer({ host: "127.0.0.1", port: 0, offline: true, allowUnauthenticated: true });
  const channel = createChannel(server.address);
  try {
    const client = createClient(ModelServiceDefinition, channel);
    const answers: string[] = [];
    for await (const chunk of client.invoke({
      provider: "openai",
      invokeType: "chat-completions",
      extra: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }] },
    })) {
      answers.push(chunk.content);
      log(chunk.content);
    }
    return answers;
  } finally {
    channel.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
