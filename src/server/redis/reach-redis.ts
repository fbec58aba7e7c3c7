import { ModelServerConfigError } from "../config/config-error.js";

/** The part of an ioredis client that {@link reachRedis} uses. */
export interface ConnectableRedis {
  connect(): Promise<void>;
  ping(): Promise<string>;
  disconnect(): void;
}

/**
 * Connects a client made with `lazyConnect` and checks that Redis answers,
 * so a wrong `redisUrl` fails the server's start naming the setting, rather
 * than every call later.
 */
export async function reachRedis(redis: ConnectableRedis): Promise<void> {
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new ModelServerConfigError("redisUrl", `cannot reach Redis at the configured redisUrl: ${(error as Error).message}`);
  }
}
