// Request schemas: one per (provider, invokeType) pair, for a single call
// (`invoke` / `invokeStream`: with `userContext`) and for a batch item (with
// `customId` / `priority`, the batch's `userContext` applies).
import * as v from "valibot";
import { AnthropicMessagesEntries } from "./anthropic-messages.js";
import { CHANNELS, PAIRS, type PairName } from "../routes/route-table.js";
import { identifier } from "./fields.js";
import { GoogleGenAIImageGenerationEntries } from "./google-genai-image-generation.js";
import { GoogleGenerationEntries } from "./google-generation.js";
import { GoogleVertexImageGenerationEntries } from "./google-vertex-image-generation.js";
import { OpenAIChatCompletionsEntries } from "./openai-chat-completions.js";
import { OpenAIImageEditEntries } from "./openai-image-edit.js";
import { OpenAIImageGenerationEntries } from "./openai-image-generation.js";
import { OpenAIResponsesEntries } from "./openai-responses.js";
import { UserContextSchema } from "./user-context.js";

const channel = v.optional(v.picklist(CHANNELS));

/** Routing fields of a single call; they travel as proto fields, not in `extra`. */
export const RequestRoutingEntries = {
  channel,
  stream: v.optional(v.boolean()),
  userContext: UserContextSchema,
};

/** Routing fields of a batch item; the batch's `userContext` applies. */
export const BatchItemRoutingEntries = {
  channel,
  customId: v.optional(identifier),
  // proto `optional int32 priority`
  priority: v.optional(v.pipe(v.number(), v.integer(), v.minValue(-(2 ** 31)), v.maxValue(2 ** 31 - 1))),
};

// One pair of the route table with its parameters: the request schema of a
// single call and of a batch item.
function pair<const K extends PairName, const TEntries extends v.ObjectEntries>(name: K, entries: TEntries) {
  const { providers, invokeType, aliases }: (typeof PAIRS)[K] = PAIRS[name];
  const invokeTypes: readonly ((typeof PAIRS)[K]["invokeType"] | (typeof PAIRS)[K]["aliases"][number])[] = [invokeType, ...aliases];
  const route = { provider: v.picklist(providers), invokeType: v.optional(v.picklist(invokeTypes)) };
  return {
    providers,
    /** The invoke type inference picks, then its aliases. */
    invokeTypes,
    request: v.strictObject({ ...route, ...RequestRoutingEntries, ...entries }),
    item: v.strictObject({ ...route, ...BatchItemRoutingEntries, ...entries }),
  };
}

/**
 * The request schemas of every (provider, invokeType) pair of the route table
 * (src/routes/route-table.ts), in its order; a pair missing here fails to
 * compile.
 */
export const RequestPairs = {
  openaiChatCompletions: pair("openaiChatCompletions", OpenAIChatCompletionsEntries),
  openaiResponses: pair("openaiResponses", OpenAIResponsesEntries),
  openaiImageGeneration: pair("openaiImageGeneration", OpenAIImageGenerationEntries),
  openaiImageEdit: pair("openaiImageEdit", OpenAIImageEditEntries),
  googleGeneration: pair("googleGeneration", GoogleGenerationEntries),
  googleVertexImageGeneration: pair("googleVertexImageGeneration", GoogleVertexImageGenerationEntries),
  googleGenAIImageGeneration: pair("googleGenAIImageGeneration", GoogleGenAIImageGenerationEntries),
  anthropicMessages: pair("anthropicMessages", AnthropicMessagesEntries),
} satisfies Record<PairName, unknown>;

type Pairs = typeof RequestPairs;

/**
 * `T` with every object and list readonly-compatible, so requests written
 * `as const` are accepted. Binary values and plain `object` stay as they are.
 */
export type AcceptReadonly<T> = T extends Blob | Uint8Array | Date
  ? T
  : T extends object
    ? object extends T
      ? T
      : { readonly [K in keyof T]: AcceptReadonly<T[K]> }
    : T;

/** The name of a request pair in {@link RequestPairs}. */
export type RequestPairName = keyof Pairs;

/** A single model call, as `invoke` and `invokeStream` take it. */
export type InvokeRequest = { [K in RequestPairName]: AcceptReadonly<v.InferInput<Pairs[K]["request"]>> }[RequestPairName];

/** One item of a batch, as `invokeBatch` takes it. */
export type BatchItem = { [K in RequestPairName]: AcceptReadonly<v.InferInput<Pairs[K]["item"]>> }[RequestPairName];

/** Provider parameters of a single call for one pair, e.g. `InvokeRequestOf<"anthropicMessages">`. */
export type InvokeRequestOf<K extends RequestPairName> = AcceptReadonly<v.InferInput<Pairs[K]["request"]>>;
