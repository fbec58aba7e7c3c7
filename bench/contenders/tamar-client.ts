// The SDK on its default user path: `invoke` / `invokeStream` with request
// validation, per-tenant JWT, request ids, deadline and retries all on.
import { tamar } from "../client-under-test.js";
import { JWT_SECRET, streamRequest, unaryRequest } from "../workload.js";
import type { Contender } from "./contender.js";

export function tamarClient(address: string): Contender & { client: ReturnType<typeof tamar.createModelClient> } {
  const client = tamar.createModelClient({ address, jwtSecretKey: JWT_SECRET, useTls: false, env: {}, envFile: false });
  return {
    name: "tamar invoke",
    client,
    async unary() {
      await tamar.invoke(client, unaryRequest);
    },
    async stream(onFirst) {
      let messages = 0;
      for await (const _ of tamar.invokeStream(client, streamRequest)) {
        if (messages++ === 0) onFirst();
      }
      return messages;
    },
    close: () => client.close(),
  };
}
