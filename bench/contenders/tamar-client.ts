// The SDK on its default user path: `invoke` / `invokeStream` with request
// validation, per-tenant JWT, request ids, deadline and retries all on. The
// build under test by default; bench/compare.ts passes another one too.
import { tamar } from "../client-under-test.js";
import { JWT_SECRET, streamRequest, unaryRequest } from "../workload.js";
import type { Contender } from "./contender.js";

export function tamarClient(
  address: string,
  sdk: typeof tamar = tamar,
  name = "tamar invoke",
): Contender & { client: ReturnType<typeof tamar.createModelClient> } {
  const client = sdk.createModelClient({ address, jwtSecretKey: JWT_SECRET, useTls: false, env: {}, envFile: false });
  return {
    name,
    client,
    async unary() {
      await sdk.invoke(client, unaryRequest);
    },
    async stream(onFirst) {
      let messages = 0;
      for await (const _ of sdk.invokeStream(client, streamRequest)) {
        if (messages++ === 0) onFirst();
      }
      return messages;
    },
    close: () => client.close(),
  };
}
