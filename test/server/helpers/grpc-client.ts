import { ClientError, createChannel, createClient, Metadata, type Channel } from "nice-grpc";
import { ModelServiceDefinition, type ModelServiceClient } from "../../../src/gen/model_service/model_service.js";
import { signToken } from "../../helpers/tokens.js";

/** A raw nice-grpc client of the model service on `address`, plus its channel. */
export function modelClient(address: string): { client: ModelServiceClient; channel: Channel } {
  const channel = createChannel(address);
  return { client: createClient(ModelServiceDefinition, channel), channel };
}

/** Metadata carrying a valid token of the test tenant (and any extra entries). */
export async function authMetadata(extra: Record<string, string> = {}, token?: string): Promise<Metadata> {
  return Metadata({ authorization: `Bearer ${token ?? (await signToken())}`, ...extra });
}

/** Runs `action` and returns the ClientError it fails with. */
export async function clientErrorOf(action: () => Promise<unknown>): Promise<ClientError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** Collects every message of a server stream. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}
