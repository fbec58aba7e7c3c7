// Request schemas: one per (provider, invokeType) pair, for a single call
// (`invoke` / `invokeStream`: with `userContext`) and for a batch item (with
// `customId` / `priority`, the batch's `userContext` applies).
import * as v from "valibot";
import { ProviderChannels } from "../enums/channel.js";
import { AnthropicMessagesEntries } from "./anthropic-messages.js";
import { nonEmptyString } from "./fields.js";
import { GoogleGenAIImageGenerationEntries } from "./google-genai-image-generation.js";
import { GoogleGenerationEntries } from "./google-generation.js";
import { GoogleVertexImageGenerationEntries } from "./google-vertex-image-generation.js";
import { OpenAIChatCompletionsEntries } from "./openai-chat-completions.js";
import { OpenAIImageEditEntries } from "./openai-image-edit.js";
import { OpenAIImageGenerationEntries } from "./openai-image-generation.js";
import { OpenAIResponsesEntries } from "./openai-responses.js";
import { UserContextSchema } from "./user-context.js";

type ProviderName = keyof typeof ProviderChannels;

/** The channels of the given providers: a request naming another fails validation and type-checking. */
function channelOf<const TProvider extends ProviderName>(providers: readonly TProvider[]) {
  const channels = [...new Set(providers.flatMap((provider) => ProviderChannels[provider]))];
  return v.optional(v.picklist(channels as (typeof ProviderChannels)[TProvider][number][]));
}

/** Routing fields of a single call; they travel as proto fields, not in `extra`. */
export const RequestRoutingEntries = {
  stream: v.optional(v.boolean()),
  userContext: UserContextSchema,
};

/** Routing fields of a batch item; the batch's `userContext` applies. */
export const BatchItemRoutingEntries = {
  customId: v.optional(nonEmptyString),
  // proto `optional int32 priority`
  priority: v.optional(v.pipe(v.number(), v.integer(), v.minValue(-(2 ** 31)), v.maxValue(2 ** 31 - 1))),
};

function pair<
  const TProvider extends ProviderName,
  const TInvokeType extends string,
  const TEntries extends v.ObjectEntries,
>(providers: TProvider[], invokeTypes: TInvokeType[], entries: TEntries) {
  const route = { provider: v.picklist(providers), channel: channelOf(providers), invokeType: v.optional(v.picklist(invokeTypes)) };
  return {
    providers,
    invokeTypes,
    request: v.strictObject({ ...route, ...RequestRoutingEntries, ...entries }),
    item: v.strictObject({ ...route, ...BatchItemRoutingEntries, ...entries }),
  };
}

const openAI: ("openai" | "azure")[] = ["openai", "azure"];

/**
 * Every supported (provider, invokeType) pair. The first invoke type of a pair
 * is the one inference picks; the others are aliases sent as given
 * (`generation` meant Responses for OpenAI and Messages for Anthropic in the
 * Python SDK).
 */
export const RequestPairs = {
  openaiChatCompletions: pair(openAI, ["chat-completions"], OpenAIChatCompletionsEntries),
  openaiResponses: pair(openAI, ["responses", "generation"], OpenAIResponsesEntries),
  openaiImageGeneration: pair(openAI, ["image-generation"], OpenAIImageGenerationEntries),
  openaiImageEdit: pair(openAI, ["image-edit-generation"], OpenAIImageEditEntries),
  googleGeneration: pair(["google"], ["generation"], GoogleGenerationEntries),
  googleVertexImageGeneration: pair(["google"], ["image-generation"], GoogleVertexImageGenerationEntries),
  googleGenAIImageGeneration: pair(["google"], ["image-generation-genai"], GoogleGenAIImageGenerationEntries),
  anthropicMessages: pair(["anthropic"], ["messages", "generation"], AnthropicMessagesEntries),
};

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
