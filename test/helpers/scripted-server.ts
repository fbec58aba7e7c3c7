// A programmable Model Manager for client tests: a real nice-grpc server on
// loopback whose handlers each test sets, which verifies JWTs with a shared
// secret like a real Model Manager and records every call it receives.
import { jwtVerify } from "jose";
import {
  type CallContext,
  createServer,
  Metadata,
  ServerError,
  Status,
} from "nice-grpc";
import { ServerCredentials } from "@grpc/grpc-js";
import {
  type BatchGetTaskStatusRequest,
  type BatchGetTaskStatusResponse,
  type DeepPartial,
  type GetTaskStatusRequest,
  type GetTaskStatusResponse,
  type ModelRequest,
  type ModelRequestItem,
  type ModelResponse,
  type ModelResponseItem,
  ModelServiceDefinition,
} from "../../src/gen/model_service/model_service.js";

/** One call as the server saw it. */
export interface ReceivedCall {
  method: string;
  request: unknown;
  metadata: Record<string, string>;
  /** The verified JWT payload, when a secret is configured. */
  jwt?: Record<string, unknown>;
  /** Fires when the call is cancelled or its deadline passes on the server. */
  signal: AbortSignal;
}

export type InvokeHandler = (
  request: ModelRequestItem,
  context: CallContext,
) => AsyncIterable<DeepPartial<ModelResponseItem>>;
export type BatchHandler = (request: ModelRequest, context: CallContext) => Promise<DeepPartial<ModelResponse>>;

export interface ScriptedServerOptions {
  /** Verify `authorization: Bearer <jwt>` with this HS256 secret; tenant must match the request. */
  jwtSecret?: string;
  /** Serve TLS with these PEMs; `ca` makes it require a client certificate signed by it. */
  tls?: { cert: string; key: string; ca?: string };
}

export interface ScriptedServer {
  readonly address: string;
  readonly port: number;
  readonly calls: ReceivedCall[];
  /** Waits for the n-th call (1-based) to arrive. */
  nthCall(n: number): Promise<ReceivedCall>;
  invoke: InvokeHandler;
  batchInvoke: BatchHandler;
  getTaskStatus: (request: GetTaskStatusRequest) => Promise<DeepPartial<GetTaskStatusResponse>>;
  batchGetTaskStatus: (request: BatchGetTaskStatusRequest) => Promise<DeepPartial<BatchGetTaskStatusResponse>>;
  close(): Promise<void>;
}

/** The `rawResponse` of a last chunk that says the answer ended (an OpenAI chat finish chunk), as a real server forwards it. */
export const FINISHED = { rawResponse: JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) } as const;

/** Words of the default answer to a request: deterministic, so tests can predict them. */
export function answerWords(request: ModelRequestItem): string[] {
  const model = String(request.extra?.["model"] ?? "model");
  return ["echo", request.provider, request.invokeType, model];
}

async function* defaultInvoke(request: ModelRequestItem): AsyncIterable<DeepPartial<ModelResponseItem>> {
  const words = answerWords(request);
  const usage = JSON.stringify({ prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length });
  if (!request.stream) {
    yield { content: words.join(" "), usage, rawResponse: JSON.stringify({ choices: [{ finish_reason: "stop" }] }) };
    return;
  }
  for (const [index, word] of words.entries()) {
    const last = index === words.length - 1;
    yield { content: index === 0 ? word : ` ${word}`, ...(last ? { usage, ...FINISHED } : {}) };
  }
}

const metadataRecord = (metadata: Metadata) => {
  const out: Record<string, string> = {};
  for (const [key, values] of metadata) out[key] = String(values[0]);
  return out;
};

/** Starts a test server on 127.0.0.1 with a free port. */
export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const calls: ReceivedCall[] = [];
  const waiters: { n: number; resolve: (call: ReceivedCall) => void }[] = [];
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;

  async function record(method: string, request: unknown, context: CallContext): Promise<ReceivedCall> {
    const call: ReceivedCall = { method, request, metadata: metadataRecord(context.metadata), signal: context.signal };
    calls.push(call);
    for (const waiter of waiters.filter((w) => w.n === calls.length)) waiter.resolve(call);
    if (secret) {
      const header = context.metadata.get("authorization");
      if (typeof header !== "string" || !header.startsWith("Bearer ")) throw new ServerError(Status.UNAUTHENTICATED, "no token");
      try {
        call.jwt = (await jwtVerify(header.slice(7), secret, { algorithms: ["HS256"] })).payload as Record<string, unknown>;
      } catch (error) {
        throw new ServerError(Status.UNAUTHENTICATED, `bad token: ${(error as Error).message}`);
      }
      const tenant = (request as { orgId?: string; items?: { orgId: string }[] }).orgId ?? (request as { items?: { orgId: string }[] }).items?.[0]?.orgId;
      if (tenant !== undefined && call.jwt["org_id"] !== tenant) {
        throw new ServerError(Status.PERMISSION_DENIED, `token is for org ${String(call.jwt["org_id"])}, request for ${tenant}`);
      }
    }
    return call;
  }

  const server = createServer();
  const state: ScriptedServer = {
    address: "",
    port: 0,
    calls,
    nthCall: (n) =>
      calls[n - 1] ? Promise.resolve(calls[n - 1]!) : new Promise((resolve) => waiters.push({ n, resolve })),
    invoke: defaultInvoke,
    batchInvoke: async (request) => ({
      items: request.items.map((item) => ({ content: answerWords(item).join(" "), customId: item.customId })),
    }),
    getTaskStatus: async (request) => ({ taskId: request.taskId, status: "completed", resultData: '{"ok":true}' }),
    batchGetTaskStatus: async (request) => ({ tasks: request.taskIds.map((taskId) => ({ taskId, status: "processing" })) }),
    close: () => server.shutdown(),
  };

  server.add(ModelServiceDefinition, {
    async *invoke(request, context) {
      await record("invoke", request, context);
      for await (const message of state.invoke(request, context)) {
        yield { ...message, requestId: message.requestId ?? context.metadata.get("x-request-id") ?? "" } as ModelResponseItem;
      }
    },
    async batchInvoke(request, context) {
      await record("batchInvoke", request, context);
      const reply = await state.batchInvoke(request, context);
      return { requestId: context.metadata.get("x-request-id") ?? "", ...reply } as ModelResponse;
    },
    async getTaskStatus(request, context) {
      await record("getTaskStatus", request, context);
      return (await state.getTaskStatus(request)) as GetTaskStatusResponse;
    },
    async batchGetTaskStatus(request, context) {
      await record("batchGetTaskStatus", request, context);
      return (await state.batchGetTaskStatus(request)) as BatchGetTaskStatusResponse;
    },
  });
  const credentials = options.tls
    ? ServerCredentials.createSsl(
        options.tls.ca ? Buffer.from(options.tls.ca) : null,
        [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }],
        options.tls.ca !== undefined,
      )
    : undefined;
  const port = await server.listen("127.0.0.1:0", credentials);
  return Object.assign(state, { address: `127.0.0.1:${port}`, port });
}
