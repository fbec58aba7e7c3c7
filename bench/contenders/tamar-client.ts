// The SDK on its default user path: `invoke` / `invokeStream` with request
// validation, per-tenant JWT, request ids, deadline and retries all on. The
// build under test by default; bench/compare.ts passes another one too.
import { tamar } from "../client-under-test.js";
import type { InvokeRequest } from "tamar-model-client";
import { JWT_SECRET, streamRequest, unaryRequest } from "../workload.js";
import type { Contender } from "./contender.js";

/** What the contender sends: the workload's requests unless a scenario has its own. */
export interface SdkRequests {
  unary: InvokeRequest;
  stream: InvokeRequest;
}

export function tamarClient(
  address: string,
  sdk: typeof tamar = tamar,
  name = "tamar invoke",
  requests: SdkRequests = { unary: unaryRequest, stream: streamRequest },
): Contender & { client: ReturnType<typeof tamar.createModelClient> } {
  const client = sdk.createModelClient({ address, jwtSecretKey: JWT_SECRET, useTls: false, env: {}, envFile: false });
  return {
    name,
    client,
    async unary() {
      await sdk.invoke(client, requests.unary);
    },
    async stream(onFirst) {
      let messages = 0;
      for await (const _ of sdk.invokeStream(client, requests.stream)) {
        if (messages++ === 0) onFirst();
      }
      return messages;
    },
    close: () => client.close(),
  };
}
