/**
 * The work of a task, from its stored wire request to its outcome: routed and
 * run like any call, the whole answer kept as `result_data` JSON, bounded in
 * size. Provider failures become a `failed` outcome with the provider's text.
 */
import { inBandText, statusErrorOf } from "../grpc/status-errors.js";
import { describeProviderError } from "../providers/provider-error.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import type { VideoOutput } from "../providers/provider.js";
import { prepareCall } from "../routing/prepare-call.js";
import { collectAnswer } from "../service/answer.js";
import type { TaskOutcome } from "./task-record.js";
import type { TaskRunner } from "./task-store.js";

export interface TaskRunnerDeps {
  readonly registry: ProviderRegistry;
  readonly redact: (text: string) => string;
  /** Largest `result_data`, bytes of JSON text. */
  readonly resultMaxBytes: number;
  /** Pause between two status reads of a provider's long-running operation, ms. */
  readonly pollIntervalMs: number;
}

/** A video in `result_data`: the provider's URL, or the bytes as base64. */
export type VideoResult = { mime_type: string; url: string } | { mime_type: string; data: string; size_bytes: number };

const videoResult = (video: VideoOutput): VideoResult =>
  video.bytes
    ? { mime_type: video.mimeType, data: Buffer.from(video.bytes).toString("base64"), size_bytes: video.bytes.byteLength }
    : { mime_type: video.mimeType, url: video.url ?? "" };

export function createTaskRunner(deps: TaskRunnerDeps): TaskRunner {
  return async (spec, { signal, checkpoint }) => {
    let backend = "provider";
    try {
      const prepared = prepareCall(spec.request, deps.registry.googleDefault);
      backend = prepared.backend;
      const provider = deps.registry.providerFor(prepared.backend);
      const answer = await collectAnswer(provider, { ...prepared, stream: false, signal, checkpoint, pollIntervalMs: deps.pollIntervalMs });
      const result: Record<string, unknown> = {};
      if (answer.content) result["content"] = answer.content;
      if (answer.usage != null) result["usage"] = answer.usage;
      if (answer.videos) result["videos"] = answer.videos.map(videoResult);
      if (answer.raw != null) result["raw_response"] = answer.raw;
      const resultData = JSON.stringify(result);
      const size = Buffer.byteLength(resultData);
      if (size > deps.resultMaxBytes) {
        return failed(`the result is ${size} bytes, more than this server keeps for a task (${deps.resultMaxBytes}; setting taskResultMaxBytes)`);
      }
      return { status: "completed", resultData };
    } catch (error) {
      // A shutdown is not the task's failure: the caller of the runner decides (another replica may take it over).
      if (signal.aborted) throw error;
      const status = statusErrorOf(error);
      return failed(deps.redact(status ? inBandText(status) : describeProviderError(backend as never, error)));
    }
  };
}

const failed = (errorMessage: string): TaskOutcome => ({ status: "failed", errorMessage });
