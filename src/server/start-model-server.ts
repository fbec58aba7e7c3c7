import { createServer } from "nice-grpc";
import {
  ModelServiceDefinition,
  type ModelRequestItem,
  type ModelServiceImplementation,
} from "../gen/model_service/model_service.js";

/** Options of {@link startModelServer}. */
export interface ModelServerOptions {
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
}

/** A running Model Manager server. */
export interface RunningModelServer {
  /** `host:port` the server accepts calls on. */
  readonly address: string;
  /** The bound port (useful when 0 was requested). */
  readonly port: number;
  /** Stops accepting calls and waits for in-flight ones to end. */
  close(): Promise<void>;
}

// Smallest offline answer: deterministic text derived from the request, so a
// round trip proves the request arrived intact.
function offlineAnswer(request: ModelRequestItem): string {
  const model = typeof request.extra?.["model"] === "string" ? request.extra["model"] : "offline";
  return `[${request.provider}/${request.invokeType}/${model}] offline answer`;
}

const implementation: ModelServiceImplementation = {
  async *invoke(request) {
    yield { content: offlineAnswer(request) };
  },
  async batchInvoke(request) {
    return {
      items: request.items.map((item) => ({ content: offlineAnswer(item), customId: item.customId })),
    };
  },
  async getTaskStatus(request) {
    return { taskId: request.taskId, status: "failed", errorMessage: "no asynchronous tasks on this server" };
  },
  async batchGetTaskStatus(request) {
    return {
      tasks: request.taskIds.map((taskId) => ({
        taskId,
        status: "failed",
        errorMessage: "no asynchronous tasks on this server",
      })),
    };
  },
};

/**
 * Starts a Model Manager server that answers every call from its offline
 * provider.
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<RunningModelServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer();
  server.add(ModelServiceDefinition, implementation);
  const port = await server.listen(`${host.includes(":") ? `[${host}]` : host}:${options.port ?? 0}`);
  return {
    address: `${host}:${port}`,
    port,
    close: () => server.shutdown(),
  };
}
