/**
 * Video generation as the providers speak it: OpenAI's videos API (create as
 * multipart, retrieve, download the MP4) and Google's Veo long-running
 * operations (`:predictLongRunning`, then the operation by name on AI Studio
 * or `:fetchPredictOperation` on Vertex AI).
 */
import type { ServerResponse } from "node:http";
import { sendJson, type RecordedRequest, type UpstreamHandler } from "../fake-upstream.js";
import { googleError } from "./gemini.js";
import { openAIError } from "./openai.js";

/** A small stand-in for the MP4 bytes a provider sends. */
export const VIDEO_BYTES = Buffer.from("\0\0\0\x18ftypmp42 fake video bytes");

/** OpenAI's `Video` object. */
export function openAIVideo(id: string, status: string, overrides: object = {}) {
  return {
    id,
    object: "video",
    created_at: 1_760_000_000,
    completed_at: status === "completed" ? 1_760_000_060 : null,
    expires_at: null,
    error: status === "failed" ? { code: "moderation_blocked", message: "the prompt was blocked" } : null,
    model: "sora-2",
    progress: status === "completed" ? 100 : 40,
    prompt: "a red kite",
    remixed_from_video_id: null,
    seconds: "4",
    size: "720x1280",
    status,
    ...overrides,
  };
}

/**
 * The OpenAI videos API: a job is `queued`, then `in_progress` for
 * `pollsBeforeDone` retrievals, then `completed` (or `failed` with
 * `fail: true`); `/content` sends the MP4.
 */
export function openAIVideosApi({ pollsBeforeDone = 1, fail = false } = {}): UpstreamHandler {
  const polls = new Map<string, number>();
  let created = 0;
  return (request: RecordedRequest, res: ServerResponse) => {
    const match = /\/videos(?:\/([^/]+))?(\/content)?$/.exec(request.path);
    if (!match) return sendJson(res, 404, openAIError(`no route ${request.path}`, "not_found", "invalid_request_error"));
    const [, id, content] = match;
    if (request.method === "POST" && id === undefined) return sendJson(res, 200, openAIVideo(`video_${++created}`, "queued"));
    if (!id || !polls.has(id) && !/^video_\d+$/.test(id)) return sendJson(res, 404, openAIError(`no video ${id}`, "not_found", "invalid_request_error"));
    if (content) {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(VIDEO_BYTES.length) });
      return void res.end(VIDEO_BYTES);
    }
    const seen = (polls.get(id) ?? 0) + 1;
    polls.set(id, seen);
    sendJson(res, 200, openAIVideo(id, seen <= pollsBeforeDone ? "in_progress" : fail ? "failed" : "completed"));
  };
}

const VEO_RESPONSE_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse";

/**
 * Veo on the Gemini API: `:predictLongRunning` answers with an operation
 * name; reading it answers `done: false` `pollsBeforeDone` times, then the
 * finished operation — on AI Studio with the video's Files API URI, on
 * Vertex AI (`:fetchPredictOperation`) with its bytes; or an error with `fail`.
 */
export function veoApi({ pollsBeforeDone = 1, fail = false, uri = "https://generativelanguage.googleapis.com/v1beta/files/video-1:download?alt=media" } = {}): UpstreamHandler {
  let polls = 0;
  let operation = "";
  return (request, res) => {
    // Vertex AI names the operation after the full model resource, AI Studio after `models/<model>`.
    const start = /(projects\/.+\/models\/[^/:]+):predictLongRunning$/.exec(request.path) ?? /\/(models\/[^/:]+):predictLongRunning$/.exec(request.path);
    if (start) {
      operation = `${start[1]}/operations/op-1`;
      return sendJson(res, 200, { name: operation });
    }
    const vertex = request.path.endsWith(":fetchPredictOperation");
    const asked = vertex ? request.json().operationName : request.path.replace(/^\/v1beta\//, "");
    if (!operation || asked !== operation) return sendJson(res, 404, googleError(404, `no operation ${asked}`, "NOT_FOUND"));
    if (++polls <= pollsBeforeDone) return sendJson(res, 200, { name: operation, done: false, metadata: { progress: 50 } });
    if (fail) return sendJson(res, 200, { name: operation, done: true, error: { code: 3, message: "the prompt was blocked by safety filters" } });
    const response = vertex
      ? { "@type": VEO_RESPONSE_TYPE, videos: [{ bytesBase64Encoded: VIDEO_BYTES.toString("base64"), mimeType: "video/mp4" }] }
      : { "@type": VEO_RESPONSE_TYPE, generateVideoResponse: { generatedSamples: [{ video: { uri } }] } };
    sendJson(res, 200, { name: operation, done: true, response });
  };
}
