/**
 * The whole path under test: our SDK client → the reference server
 * in-process → the real provider SDKs → fake providers on loopback.
 */
import { onTestFinished } from "vitest";
import { createModelClient, type InvokeRequest, type ModelClient, type ModelClientOptions } from "tamar-model-client";
import type { ModelServerOptions } from "tamar-model-client/server";
import type { ModelServiceClient } from "../../../src/gen/model_service/model_service.js";
import type { RecordedRequest } from "../../helpers/fake-upstream.js";
import { startReferenceServer } from "../../helpers/reference-server.js";
import { SECRET, TENANT } from "../../helpers/tokens.js";
import { userContextFor } from "../../helpers/user-context.js";

export const userContext = userContextFor("e2e");

/** A request without its user context (the tests add the test tenant's). */
export type RequestOf<R = InvokeRequest> = R extends unknown ? Omit<R, "userContext"> : never;

export const OPENAI_KEY = "sk-test-openai-0123456789";
export const AZURE_KEY = "azure-test-key-0123456789";
export const AZURE_API_VERSION = "2024-10-21";
export const GEMINI_KEY = "AIza-test-key-0123456789";
export const ANTHROPIC_KEY = "sk-ant-test-0123456789";
export const VERTEX_TOKEN = "vertex-access-token";
export const VERTEX_PATH = "/v1beta1/projects/proj-1/locations/us-central1/publishers/google/models";

/** How the server reaches each backend's fake provider, and the credential the fake must see. */
export const BACKENDS = {
  openai: {
    env: (url: string) => ({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${url}/v1` }),
    authOf: (request: RecordedRequest) => ({ authorization: request.headers.authorization }),
    auth: { authorization: `Bearer ${OPENAI_KEY}` },
  },
  azure: {
    env: (url: string) => ({ AZURE_OPENAI_API_KEY: AZURE_KEY, AZURE_OPENAI_ENDPOINT: url, OPENAI_API_VERSION: AZURE_API_VERSION }),
    authOf: (request: RecordedRequest) => ({ "api-key": request.headers["api-key"], "api-version": request.query.get("api-version") }),
    auth: { "api-key": AZURE_KEY, "api-version": AZURE_API_VERSION },
  },
  "ai-studio": {
    env: (url: string) => ({ GEMINI_API_KEY: GEMINI_KEY, GOOGLE_GEMINI_BASE_URL: url }),
    authOf: (request: RecordedRequest) => ({ "x-goog-api-key": request.headers["x-goog-api-key"] }),
    auth: { "x-goog-api-key": GEMINI_KEY },
  },
  vertexai: {
    env: (url: string) => ({ GOOGLE_CLOUD_PROJECT: "proj-1", GOOGLE_CLOUD_LOCATION: "us-central1", GOOGLE_VERTEX_BASE_URL: url }),
    authOf: (request: RecordedRequest) => ({ authorization: request.headers.authorization, "x-goog-api-key": request.headers["x-goog-api-key"] }),
    auth: { authorization: `Bearer ${VERTEX_TOKEN}`, "x-goog-api-key": undefined },
  },
  anthropic: {
    env: (url: string) => ({ ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: url }),
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token
    authOf: (request: RecordedRequest) => ({ authorization: request.headers.authorization }),
    auth: { authorization: `Bearer ${ANTHROPIC_KEY}` },
  },
} as const;

export type BackendName = keyof typeof BACKENDS;

/** Vertex AI credentials as google-auth-library would build them from Application Default Credentials. */
export const vertexAuth = {
  authClient: { getRequestHeaders: async () => new Headers({ authorization: `Bearer ${VERTEX_TOKEN}` }) },
};

/**
 * Starts the server with the given backends pointed at their fake providers
 * (`{ openai: upstream.url, … }`) and a client of it signing tokens with the
 * shared secret; both stop after the test. `raw` is a bare nice-grpc client
 * of the same server, for sending wire messages as other clients build them.
 */
export async function startStack(
  upstreams: Partial<Record<BackendName, string>>,
  { server: serverOptions = {}, client: clientOptions = {} }: { server?: ModelServerOptions; client?: ModelClientOptions } = {},
): Promise<{ client: ModelClient; address: string; raw: ModelServiceClient }> {
  const env = Object.assign({}, ...Object.entries(upstreams).map(([name, url]) => BACKENDS[name as BackendName].env(url)));
  const { server, client: raw } = await startReferenceServer({
    env,
    providerMaxRetries: 0,
    ...(upstreams.vertexai ? { googleAuthOptions: vertexAuth } : {}),
    ...serverOptions,
  });
  return { client: clientOf(server.address, { jwtSecretKey: SECRET, ...clientOptions }), address: server.address, raw };
}

/** A plaintext client of `address` with exactly the credentials in `options` (none from the environment); closed after the test. */
export function clientOf(address: string, options: ModelClientOptions = {}): ModelClient {
  const client = createModelClient({ address, useTls: false, env: {}, envFile: false, retryDelayMs: 1, ...options });
  onTestFinished(() => client.close());
  return client;
}

/** Runs `action` and returns what it threw. */
export async function failureOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}
