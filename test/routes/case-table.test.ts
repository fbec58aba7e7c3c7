/**
 * Every (provider, invoke type) pair of the Python SDK 0.5 case table
 * (original-client-spec §3.2 "Case table, 0.5.x", with the 0.1.x rows it
 * keeps), walked end to end:
 * - the client: typed (the samples of test/helpers/pair-samples.ts are typed
 *   per pair), validated (exactly the original's required fields, each one's
 *   absence a ValidationError naming it), encoded as the Python client would
 *   (routing fields as proto fields, parameters in `extra` under their
 *   original names, bytes as "bytes:<base64>", `{ file_id }` as is,
 *   `enable_async_task` for tasks), the same bytes as the Python-built item;
 * - the reference server: answered offline, or refused with the reason; with
 *   providers configured, FAILED_PRECONDITION naming the missing backend.
 */
import { Status } from "nice-grpc-common";
import { ClientError } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { type RequestPairName, ValidationError } from "tamar-model-client";
import { buildInvokeRequest } from "../../src/client/request/build-request.js";
import { ModelRequestItem } from "../../src/gen/model_service/model_service.js";
import { findPair } from "../../src/routes/find-pair.js";
import { PAIRS, type PairRoute } from "../../src/routes/route-table.js";
import { authMetadata, collect } from "../helpers/grpc-client.js";
import { PAIR_SAMPLES } from "../helpers/pair-samples.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { userContext } from "../helpers/setup.js";

/** One row of the original's table: provider, invoke type, the fields it requires. */
type Row = readonly [provider: string, invokeType: string, required: readonly string[]];

// Transcribed from the spec, row by row (the Python spelling of the fields).
const CASE_TABLE: readonly Row[] = [
  ["google", "generation", ["model", "contents"]],
  ["xfusionai", "generation", ["model", "contents"]],
  ["tuzi", "generation", ["model", "contents"]],
  ["google", "image-generation", ["model", "prompt"]],
  ["openai", "responses", ["input", "model"]],
  ["azure", "responses", ["input", "model"]],
  ["openai", "generation", ["input", "model"]],
  ["azure", "generation", ["input", "model"]],
  ["anthropic", "responses", ["input", "model"]],
  ["openai", "chat-completions", ["messages", "model"]],
  ["azure", "chat-completions", ["messages", "model"]],
  ["anthropic", "chat-completions", ["messages", "model"]],
  ["openai", "image-generation", ["prompt"]],
  ["azure", "image-generation", ["prompt"]],
  ["openai", "image-edit-generation", ["image", "prompt"]],
  ["azure", "image-edit-generation", ["image", "prompt"]],
  ["openai", "video-generation", ["prompt"]],
  ["azure", "video-generation", ["prompt"]],
  ["xfusionai", "video-generation", ["prompt"]],
  ["tuzi", "video-generation", ["prompt"]],
  ["google", "image-generation-genai", ["model", "prompt"]],
  ["google", "video-generation-genai", ["model"]],
  ["anthropic", "generation", ["max_tokens", "messages", "model"]],
  ["anthropic", "messages", ["max_tokens", "messages", "model"]],
  ["freepik", "image-upscaler", ["image"]],
  ["byteplus", "video-generation", []],
  ["doubao", "video-generation", []],
  ["fal-ai", "image-generation", ["model", "prompt"]],
  ["fal-ai", "image-segmentation", ["model"]],
  ["fal-ai", "image-edit-generation", ["image_urls"]],
  ["fal-ai", "image-edit-multi-angle", ["image_urls"]],
  ["fal-ai", "image-layer-generation", ["prompt", "image_url"]],
  ["fal-ai", "video-edit-generation", ["video_url", "image_url"]],
  ["fal-ai", "video-generation", ["model", "prompt"]],
  ["fal-ai", "video-segmentation", ["model"]],
  ["bfl", "image-generation", ["prompt"]],
  ["bfl", "image-edit-generation", ["prompt"]],
];

const ROUTING = new Set(["provider", "invokeType", "channel", "stream", "userContext", "enableAsyncTask", "callbackUrl"]);
const OPTIONAL = new Set(["optional", "nullish", "exact_optional"]);
// base64 of test/helpers/pair-samples.ts PNG_BYTES (89 50 4e 47 0d 0a 1a 0a), worked out by hand.
const PNG_WIRE = "bytes:iVBORw0KGgo=";

/** `extra` as the Python SDK 0.5 sends the sample: its fields under their names, bytes as "bytes:…", tasks flagged. */
function pythonExtra(sample: Record<string, unknown>, async: boolean): Record<string, unknown> {
  const extra = Object.fromEntries(
    Object.entries(sample)
      .filter(([key]) => !ROUTING.has(key))
      .map(([key, value]) => [key, value instanceof Uint8Array ? PNG_WIRE : value]),
  );
  return async ? { ...extra, enable_async_task: true } : extra;
}

const pairOf = (provider: string, invokeType: string): RequestPairName => {
  const pair = findPair(provider, invokeType);
  if (pair === undefined) throw new Error(`${provider} ${invokeType} is not a pair of the route table`);
  return pair;
};

describe("the Python SDK 0.5 case table, through the client", () => {
  it("has a row for every pair of the route table and a pair for every row", () => {
    const rows = new Set(CASE_TABLE.map(([provider, invokeType]) => pairOf(provider, invokeType)));
    expect([...rows].sort()).toEqual(Object.keys(PAIRS).sort());
  });

  describe.each(CASE_TABLE)("%s + %s", (provider, invokeType, required) => {
    const pair = pairOf(provider, invokeType);
    const sample = PAIR_SAMPLES[pair] as Record<string, unknown>;
    const async = (PAIRS[pair] as PairRoute).asyncOnly === true;
    const request = { provider, invokeType, userContext, ...sample };

    it(`requires exactly ${required.join(", ") || "nothing"}, each one's absence named`, async () => {
      const { RequestPairs } = await import("tamar-model-client");
      const schemaRequired = Object.entries(RequestPairs[pair].request.entries)
        .filter(([key, schema]) => !ROUTING.has(key) && !OPTIONAL.has((schema as { type: string }).type))
        .map(([key]) => key);
      expect(schemaRequired.sort()).toEqual([...required].sort());
      for (const field of required) {
        const { [field]: _left, ...without } = request as Record<string, unknown>;
        const error = await buildInvokeRequest(without as never, false).catch((e: unknown) => e);
        expect(error, field).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues, field).toContainEqual({ path: field, message: "required field is missing" });
      }
    });

    it("is encoded as the Python client encodes it", async () => {
      const { item, async: isTask } = await buildInvokeRequest(request as never, false);
      expect(isTask).toBe(async);
      const python: ModelRequestItem = {
        provider,
        channel: "normal",
        invokeType,
        stream: false,
        orgId: userContext.orgId,
        userId: userContext.userId,
        clientType: userContext.clientType,
        extra: pythonExtra(sample, async),
      };
      expect(item).toEqual(python);
      expect(ModelRequestItem.encode(item).finish()).toEqual(ModelRequestItem.encode(python).finish());
    });
  });
});

describe("the Python SDK 0.5 case table, through the reference server", () => {
  it("offline: every pair is answered (a task for video pairs), anthropic responses refused with the reason", async () => {
    const { client } = await startReferenceServer({ offlineTaskDelayMs: 0 });
    const metadata = await authMetadata();
    for (const [provider, invokeType] of CASE_TABLE) {
      const pair = pairOf(provider, invokeType);
      const { item } = await buildInvokeRequest({ provider, invokeType, userContext, ...PAIR_SAMPLES[pair] } as never, false);
      const answer = collect(client.invoke(item, { metadata }));
      if (pair === "anthropicResponses") {
        const error = await answer.catch((e: unknown) => e);
        expect(error, `${provider} ${invokeType}`).toBeInstanceOf(ClientError);
        expect((error as ClientError).code).toBe(Status.FAILED_PRECONDITION);
        expect((error as ClientError).details).toContain("Anthropic has no Responses API");
        continue;
      }
      const messages = await answer;
      expect(messages, `${provider} ${invokeType}`).toHaveLength(1);
      expect(messages[0]!.error, `${provider} ${invokeType}`).toBe("");
      const raw = JSON.parse(messages[0]!.rawResponse) as Record<string, unknown>;
      if ((PAIRS[pair] as PairRoute).asyncOnly) expect(raw["task_id"] ?? raw["taskId"], `${provider} ${invokeType}`).toEqual(expect.any(String));
    }
  });

  it("with providers configured: a pair of an unconfigured or SDK-less backend is FAILED_PRECONDITION naming it, never an offline answer", async () => {
    const { client } = await startReferenceServer({ env: { OPENAI_API_KEY: "sk-test" } });
    const metadata = await authMetadata();
    for (const [provider, invokeType] of CASE_TABLE) {
      if (provider === "openai") continue;
      const pair = pairOf(provider, invokeType);
      const { item } = await buildInvokeRequest({ provider, invokeType, userContext, ...PAIR_SAMPLES[pair] } as never, false);
      const error = await collect(client.invoke(item, { metadata })).catch((e: unknown) => e);
      expect(error, `${provider} ${invokeType}`).toBeInstanceOf(ClientError);
      expect((error as ClientError).code, `${provider} ${invokeType}`).toBe(Status.FAILED_PRECONDITION);
      expect((error as ClientError).details, `${provider} ${invokeType}`).toMatch(
        /backend is not configured on this server: set|backend has no provider in this reference server|Anthropic has no Responses API/,
      );
    }
  });
});
