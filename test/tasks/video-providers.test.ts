// Video tasks through the official SDKs against loopback fakes of the
// providers' real wire formats: OpenAI / Azure videos (create, poll,
// download) and Google Veo operations (AI Studio and Vertex AI).
import { describe, expect, it } from "vitest";
import { type AsyncInvokeRequest, createModelClient, invoke, waitForTask } from "tamar-model-client";
import type { ModelServerOptions } from "tamar-model-client/server";
import { startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { openAIVideosApi, VIDEO_BYTES, veoApi } from "../helpers/provider-wire/videos.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { SECRET } from "../helpers/tokens.js";
import { userContext } from "../helpers/user-context.js";

async function runTask(options: ModelServerOptions, request: object) {
  const { server } = await startReferenceServer({ providerMaxRetries: 0, providerPollIntervalMs: 5, ...options });
  await using client = createModelClient({ address: server.address, jwtSecretKey: SECRET, useTls: false, env: {}, envFile: false });
  const task = await invoke(client, { ...request, enableAsyncTask: true, userContext } as AsyncInvokeRequest);
  return await waitForTask(client, task.taskId, { userContext, pollIntervalMs: 5, timeoutMs: 15_000 });
}

const OPENAI_BACKENDS = [
  {
    provider: "openai",
    env: (url: string) => ({ OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: `${url}/v1` }),
    base: "/v1",
    expectAuth: (request: RecordedRequest) => expect(request.headers.authorization).toBe("Bearer sk-test-0123456789"),
  },
  {
    provider: "azure",
    env: (url: string) => ({ AZURE_OPENAI_API_KEY: "azure-key-0123456789", AZURE_OPENAI_ENDPOINT: url, OPENAI_API_VERSION: "2025-04-01-preview" }),
    base: "/openai",
    expectAuth: (request: RecordedRequest) => {
      expect(request.headers["api-key"]).toBe("azure-key-0123456789");
      expect(request.query.get("api-version")).toBe("2025-04-01-preview");
    },
  },
] as const;

describe.each(OPENAI_BACKENDS)("$provider videos through the openai SDK", (backend) => {
  it("creates the job (multipart), polls it until completed, downloads the MP4 into the result", async () => {
    const upstream = await startFakeUpstream(openAIVideosApi({ pollsBeforeDone: 2 }));
    const done = await runTask({ env: backend.env(upstream.url) }, { provider: backend.provider, model: "sora-2", prompt: "a red kite", seconds: "4", size: "1280x720" });

    expect(upstream.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST ${backend.base}/videos`,
      `GET ${backend.base}/videos/video_1`,
      `GET ${backend.base}/videos/video_1`,
      `GET ${backend.base}/videos/video_1`,
      `GET ${backend.base}/videos/video_1/content`,
    ]);
    upstream.requests.forEach(backend.expectAuth);
    const form = await upstream.requests[0]!.formData();
    expect(Object.fromEntries(form)).toEqual({ model: "sora-2", prompt: "a red kite", seconds: "4", size: "1280x720" });
    expect(upstream.requests[4]!.query.get("variant")).toBe("video");

    expect(done).toMatchObject({ status: "completed", provider: backend.provider, invokeType: "video-generation", model: "sora-2" });
    expect(done.resultData).toEqual({
      videos: [{ mime_type: "video/mp4", data: VIDEO_BYTES.toString("base64"), size_bytes: VIDEO_BYTES.length }],
      raw_response: expect.objectContaining({ id: "video_1", object: "video", status: "completed" }),
    });
  });

  it("a failed job fails the task with OpenAI's reason", async () => {
    const upstream = await startFakeUpstream(openAIVideosApi({ fail: true }));
    const done = await runTask({ env: backend.env(upstream.url) }, { provider: backend.provider, model: "sora-2", prompt: "a red kite" });
    expect(done).toMatchObject({ status: "failed", errorMessage: `${backend.provider} request failed: the video job video_1 failed: the prompt was blocked` });
    expect(upstream.requests.some((request) => request.path.endsWith("/content"))).toBe(false);
  });
});

const KEY = "AIza-test-key-0123456789";
const vertexAuth = { authClient: { getRequestHeaders: async () => new Headers({ authorization: "Bearer vertex-access-token" }) } };

describe("google generateVideos through @google/genai", () => {
  it("AI Studio: starts the operation, polls it by name until done, returns the video's URI", async () => {
    const upstream = await startFakeUpstream(veoApi({ pollsBeforeDone: 1 }));
    const done = await runTask(
      { env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: upstream.url } },
      { provider: "google", channel: "ai-studio", model: "veo-3.0-generate-001", prompt: "a red kite", config: { durationSeconds: 8, aspectRatio: "16:9", numberOfVideos: 1 } },
    );
    expect(upstream.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /v1beta/models/veo-3.0-generate-001:predictLongRunning",
      "GET /v1beta/models/veo-3.0-generate-001/operations/op-1",
      "GET /v1beta/models/veo-3.0-generate-001/operations/op-1",
    ]);
    expect(upstream.requests.every((request) => request.headers["x-goog-api-key"] === KEY)).toBe(true);
    expect(upstream.requests[0]!.json()).toEqual({
      instances: [{ prompt: "a red kite" }],
      parameters: { durationSeconds: 8, aspectRatio: "16:9", sampleCount: 1 },
    });
    expect(done).toMatchObject({ status: "completed", provider: "google", channel: "ai-studio", invokeType: "video-generation-genai" });
    expect(done.resultData).toMatchObject({
      videos: [{ mime_type: "video/mp4", url: "https://generativelanguage.googleapis.com/v1beta/files/video-1:download?alt=media" }],
      raw_response: { name: "models/veo-3.0-generate-001/operations/op-1", done: true },
    });
  });

  it("Vertex AI: polls with fetchPredictOperation and returns the video's bytes", async () => {
    const upstream = await startFakeUpstream(veoApi({ pollsBeforeDone: 0 }));
    const done = await runTask(
      { env: { GOOGLE_CLOUD_PROJECT: "proj-1", GOOGLE_CLOUD_LOCATION: "us-central1", GOOGLE_VERTEX_BASE_URL: upstream.url }, googleAuthOptions: vertexAuth },
      { provider: "google", channel: "vertexai", model: "veo-3.0-generate-001", prompt: "a red kite" },
    );
    const model = "/v1beta1/projects/proj-1/locations/us-central1/publishers/google/models/veo-3.0-generate-001";
    expect(upstream.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`POST ${model}:predictLongRunning`, `POST ${model}:fetchPredictOperation`]);
    expect(upstream.requests[1]!.json()).toEqual({ operationName: `${model.slice("/v1beta1/".length)}/operations/op-1` });
    expect(done.resultData!["videos"]).toEqual([{ mime_type: "video/mp4", data: VIDEO_BYTES.toString("base64"), size_bytes: VIDEO_BYTES.length }]);
  });

  it("an operation that ends in error fails the task with Google's reason", async () => {
    const upstream = await startFakeUpstream(veoApi({ fail: true }));
    const done = await runTask({ env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: upstream.url } }, { provider: "google", model: "veo-3.0-generate-001", prompt: "x" });
    expect(done.status).toBe("failed");
    expect(done.errorMessage).toMatch(/^google-ai-studio request failed: the video operation models\/veo-3\.0-generate-001\/operations\/op-1 failed: .*the prompt was blocked by safety filters/);
  });
});

describe("a task taken over by another replica follows the provider's operation it saved", () => {
  it("openai: with a saved video id, retrieves that job instead of creating one", async () => {
    const { createOpenAIProvider } = await import("../../src/server/providers/openai-provider.js");
    const upstream = await startFakeUpstream(openAIVideosApi({ pollsBeforeDone: 0 }));
    const provider = createOpenAIProvider({
      backend: "openai",
      settings: { apiKey: "sk-test-0123456789", baseURL: `${upstream.url}/v1`, organization: undefined, project: undefined },
      importModule: (name) => import(name),
      maxRetries: 0,
      logger: () => {},
    });
    const saved: unknown[] = [];
    const call = {
      backend: "openai",
      api: "openai.videos",
      provider: "openai",
      invokeType: "video-generation",
      params: { prompt: "a red kite", model: "sora-2" },
      upstream: {},
      stream: false,
      signal: new AbortController().signal,
      pollIntervalMs: 5,
      checkpoint: { saved: { openaiVideoId: "video_7" }, save: async (state: unknown) => void saved.push(state) },
    } as const;
    const chunks = [];
    for await (const chunk of provider.invoke(call)) chunks.push(chunk);
    expect(upstream.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["GET /v1/videos/video_7", "GET /v1/videos/video_7/content"]);
    expect(saved).toEqual([]);
    expect(chunks[0]?.videos?.[0]?.bytes).toEqual(new Uint8Array(VIDEO_BYTES));

    const fresh = { ...call, checkpoint: { saved: undefined, save: async (state: unknown) => void saved.push(state) } };
    for await (const _chunk of provider.invoke(fresh));
    expect(saved).toEqual([{ openaiVideoId: "video_1" }]);
  });
});
