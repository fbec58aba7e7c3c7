// Request schemas: one per (provider, invokeType) pair, for a single call
// (`invoke` / `invokeStream`: with `userContext`) and for a batch item (with
// `customId` / `priority`, the batch's `userContext` applies).
import * as v from "valibot";
import { AnthropicMessagesSchema } from "./anthropic-messages.js";
import { AsyncTaskEntries } from "./async-task.js";
import { BflFluxSchema } from "./bfl-flux.js";
import { BytePlusVideoGenerationSchema } from "./byteplus-video-generation.js";
import {
  FalKlingVideoSchema,
  FalQwenImageEditMultiAngleSchema,
  FalQwenImageEditSchema,
  FalQwenImageLayeredSchema,
  FalSam3ImageSchema,
  FalSam3VideoSchema,
  FalWanVideoReplaceSchema,
  FalZImageSchema,
} from "./fal-ai.js";
import { FreepikImageUpscalerSchema } from "./freepik-image-upscaler.js";
import { PAIRS, type PairName, type PairRoute, PROVIDERS } from "../routes/route-table.js";
import { GoogleGenAIImageGenerationSchema } from "./google-genai-image-generation.js";
import { GoogleGenAIVideoGenerationSchema } from "./google-genai-video-generation.js";
import { GoogleGenerationSchema } from "./google-generation.js";
import { GoogleVertexImageGenerationSchema } from "./google-vertex-image-generation.js";
import { OpenAIChatCompletionsSchema } from "./openai-chat-completions.js";
import { OpenAIImageEditSchema } from "./openai-image-edit.js";
import { OpenAIImageGenerationSchema } from "./openai-image-generation.js";
import { OpenAIResponsesSchema } from "./openai-responses.js";
import { OpenAIVideoGenerationSchema } from "./openai-video-generation.js";
import type { AcceptReadonly, RequestSchema } from "./request-schema.js";
import {
  type AsyncTaskFields,
  type BatchItemRouting,
  BatchItemRoutingEntries,
  type CallRouting,
  RequestRoutingEntries,
  type RoutingFieldName,
} from "./routing-fields.js";
import type { UncheckedAsyncInvokeRequest, UncheckedBatchItem, UncheckedInvokeRequest } from "./unchecked-request.js";

/** The channels of the given providers: a request naming another fails validation and type-checking. */
function channelOf<const TProvider extends keyof typeof PROVIDERS>(providers: readonly TProvider[]) {
  const channels = [...new Set(providers.flatMap((provider) => PROVIDERS[provider].channels))];
  return v.optional(v.picklist(channels as (typeof PROVIDERS)[TProvider]["channels"][number][]));
}

type NoRoutingField<TParams> = [Extract<keyof TParams, RoutingFieldName>] extends [never]
  ? unknown
  : { readonly routingFieldReused: Extract<keyof TParams, RoutingFieldName> };

// One pair of the route table with its parameters: the request schema of a
// single call, of the same call as an asynchronous task, and of a batch item.
// Each request type is the pair's route fields, the routing fields and the
// parameters' named type (inferred from the same entries the schema spreads),
// so the declarations name the parameters once instead of spelling them out
// in every pair and form. Parameters that reuse a routing field's name do not
// compile: the spread would let one override the other.
function pair<const K extends PairName, TParams extends object>(name: K, params: RequestSchema<TParams> & NoRoutingField<TParams>) {
  // Annotated: a property read on the generic `(typeof PAIRS)[K]` would widen to every pair's.
  type Route = (typeof PAIRS)[K];
  const providers = PAIRS[name].providers as Route["providers"];
  const invokeType = PAIRS[name].invokeType as Route["invokeType"];
  const aliases = PAIRS[name].aliases as Route["aliases"];
  const asyncOnly = (PAIRS[name] as PairRoute).asyncOnly === true;
  const invokeTypes: readonly (Route["invokeType"] | Route["aliases"][number])[] = [invokeType, ...aliases];
  const route = {
    provider: v.picklist(providers as readonly Route["providers"][number][]),
    channel: channelOf<Route["providers"][number]>(providers),
    invokeType: v.optional(v.picklist(invokeTypes)),
  };
  type RouteFields = AcceptReadonly<v.InferInput<v.StrictObjectSchema<typeof route, undefined>>>;
  const entries = params.entries;
  return {
    providers,
    /** The invoke type inference picks, then its aliases. */
    invokeTypes,
    /** True when the API runs only as an asynchronous task (video generation). */
    asyncOnly: asyncOnly as (typeof PAIRS)[K] extends { readonly asyncOnly: true } ? true : false,
    request: v.strictObject({ ...route, ...RequestRoutingEntries, ...entries }) as unknown as RequestSchema<RouteFields & CallRouting & TParams>,
    /** The request as an asynchronous task: `enableAsyncTask: true`, optional `callbackUrl`. */
    asyncRequest: v.strictObject({ ...route, ...RequestRoutingEntries, ...AsyncTaskEntries, ...entries }) as unknown as RequestSchema<
      RouteFields & CallRouting & AsyncTaskFields & TParams
    >,
    item: v.strictObject({ ...route, ...BatchItemRoutingEntries, ...entries }) as unknown as RequestSchema<RouteFields & BatchItemRouting & TParams>,
  };
}

/**
 * The request schemas of every (provider, invokeType) pair of the route table
 * (src/routes/route-table.ts), in its order; a pair missing here fails to
 * compile.
 */
export const RequestPairs = {
  openaiChatCompletions: pair("openaiChatCompletions", OpenAIChatCompletionsSchema),
  openaiResponses: pair("openaiResponses", OpenAIResponsesSchema),
  openaiImageGeneration: pair("openaiImageGeneration", OpenAIImageGenerationSchema),
  openaiImageEdit: pair("openaiImageEdit", OpenAIImageEditSchema),
  openaiVideoGeneration: pair("openaiVideoGeneration", OpenAIVideoGenerationSchema),
  googleGeneration: pair("googleGeneration", GoogleGenerationSchema),
  googleVertexImageGeneration: pair("googleVertexImageGeneration", GoogleVertexImageGenerationSchema),
  googleGenAIImageGeneration: pair("googleGenAIImageGeneration", GoogleGenAIImageGenerationSchema),
  googleGenAIVideoGeneration: pair("googleGenAIVideoGeneration", GoogleGenAIVideoGenerationSchema),
  anthropicMessages: pair("anthropicMessages", AnthropicMessagesSchema),
  anthropicChatCompletions: pair("anthropicChatCompletions", OpenAIChatCompletionsSchema),
  anthropicResponses: pair("anthropicResponses", OpenAIResponsesSchema),
  resellerGoogleGeneration: pair("resellerGoogleGeneration", GoogleGenerationSchema),
  resellerVideoGeneration: pair("resellerVideoGeneration", OpenAIVideoGenerationSchema),
  freepikImageUpscaler: pair("freepikImageUpscaler", FreepikImageUpscalerSchema),
  bytePlusVideoGeneration: pair("bytePlusVideoGeneration", BytePlusVideoGenerationSchema),
  falZImageGeneration: pair("falZImageGeneration", FalZImageSchema),
  falSam3ImageSegmentation: pair("falSam3ImageSegmentation", FalSam3ImageSchema),
  falQwenImageEdit: pair("falQwenImageEdit", FalQwenImageEditSchema),
  falQwenImageEditMultiAngle: pair("falQwenImageEditMultiAngle", FalQwenImageEditMultiAngleSchema),
  falQwenImageLayered: pair("falQwenImageLayered", FalQwenImageLayeredSchema),
  falWanVideoReplace: pair("falWanVideoReplace", FalWanVideoReplaceSchema),
  falKlingVideoGeneration: pair("falKlingVideoGeneration", FalKlingVideoSchema),
  falSam3VideoSegmentation: pair("falSam3VideoSegmentation", FalSam3VideoSchema),
  bflImageGeneration: pair("bflImageGeneration", BflFluxSchema),
  bflImageEdit: pair("bflImageEdit", BflFluxSchema),
} satisfies Record<PairName, unknown>;

type Pairs = typeof RequestPairs;

/** The name of a request pair in {@link RequestPairs}. */
export type RequestPairName = keyof Pairs;

/** The pairs that also answer directly (every pair but video generation). */
export type DirectPairName = { [K in RequestPairName]: Pairs[K]["asyncOnly"] extends true ? never : K }[RequestPairName];


/**
 * A single call run as an asynchronous task (`enableAsyncTask: true`): `invoke`
 * answers with the task it created. Video generation is only this kind.
 */
export type AsyncInvokeRequest =
  | {
      [K in RequestPairName]: v.InferInput<Pairs[K]["asyncRequest"]>;
    }[RequestPairName]
  | UncheckedAsyncInvokeRequest;

/** One item of a batch, as `invokeBatch` takes it. */
export type BatchItem = { [K in DirectPairName]: v.InferInput<Pairs[K]["item"]> }[DirectPairName] | UncheckedBatchItem;

/** Provider parameters of a single call for one pair, e.g. `InvokeRequestOf<"anthropicMessages">`. */
export type InvokeRequestOf<K extends DirectPairName> = v.InferInput<Pairs[K]["request"]>;

/** An asynchronous call for one pair, e.g. `AsyncInvokeRequestOf<"openaiVideoGeneration">`. */
export type AsyncInvokeRequestOf<K extends RequestPairName> = v.InferInput<Pairs[K]["asyncRequest"]>;

// Named request types, one per pair: what an editor shows on hover and in
// type errors, and what the compiler caches instead of re-expanding the schema type.

/**
 * What makes a single call direct: no `enableAsyncTask` (an asynchronous
 * task is an {@link AsyncInvokeRequest}), so that `invoke` picks the right
 * answer type for a typed value too.
 */
export interface DirectCall {
  readonly enableAsyncTask?: undefined;
}

/** A single call of OpenAI / Azure Chat Completions. */
export interface OpenAIChatRequest extends InvokeRequestOf<"openaiChatCompletions">, DirectCall {}
/** A single call of OpenAI / Azure Responses. */
export interface OpenAIResponsesRequest extends InvokeRequestOf<"openaiResponses">, DirectCall {}
/** A single call of OpenAI / Azure image generation. */
export interface OpenAIImageGenerationRequest extends InvokeRequestOf<"openaiImageGeneration">, DirectCall {}
/** A single call of OpenAI / Azure image edit. */
export interface OpenAIImageEditRequest extends InvokeRequestOf<"openaiImageEdit">, DirectCall {}
/** A single call of OpenAI / Azure video generation (an asynchronous task). */
export interface OpenAIVideoGenerationRequest extends AsyncInvokeRequestOf<"openaiVideoGeneration"> {}
/** A single call of Google generateContent. */
export interface GoogleGenerationRequest extends InvokeRequestOf<"googleGeneration">, DirectCall {}
/** A single call of Google Vertex AI Imagen, Python field names. */
export interface GoogleVertexImageGenerationRequest extends InvokeRequestOf<"googleVertexImageGeneration">, DirectCall {}
/** A single call of Google generateImages. */
export interface GoogleGenAIImageGenerationRequest extends InvokeRequestOf<"googleGenAIImageGeneration">, DirectCall {}
/** A single call of Google generateVideos (an asynchronous task). */
export interface GoogleGenAIVideoGenerationRequest extends AsyncInvokeRequestOf<"googleGenAIVideoGeneration"> {}
/** A single call of Anthropic Messages. */
export interface AnthropicMessagesRequest extends InvokeRequestOf<"anthropicMessages">, DirectCall {}
/** A single call of Anthropic through its OpenAI-compatible Chat Completions. */
export interface AnthropicChatCompletionsRequest extends InvokeRequestOf<"anthropicChatCompletions">, DirectCall {}
/** A single call of Anthropic with OpenAI Responses fields. */
export interface AnthropicResponsesRequest extends InvokeRequestOf<"anthropicResponses">, DirectCall {}
/** A single call of xfusionai / tuzi generateContent. */
export interface ResellerGoogleGenerationRequest extends InvokeRequestOf<"resellerGoogleGeneration">, DirectCall {}
/** A single call of xfusionai / tuzi OpenAI-style video generation (an asynchronous task). */
export interface ResellerVideoGenerationRequest extends AsyncInvokeRequestOf<"resellerVideoGeneration"> {}
/** A single call of Freepik image upscaler. */
export interface FreepikImageUpscalerRequest extends InvokeRequestOf<"freepikImageUpscaler">, DirectCall {}
/** A single call of BytePlus / Doubao OmniHuman and Seedance video (an asynchronous task). */
export interface BytePlusVideoGenerationRequest extends AsyncInvokeRequestOf<"bytePlusVideoGeneration"> {}
/** A single call of fal.ai Z-Image. */
export interface FalZImageRequest extends InvokeRequestOf<"falZImageGeneration">, DirectCall {}
/** A single call of fal.ai SAM 3 on an image. */
export interface FalSam3ImageSegmentationRequest extends InvokeRequestOf<"falSam3ImageSegmentation">, DirectCall {}
/** A single call of fal.ai Qwen image edit. */
export interface FalQwenImageEditRequest extends InvokeRequestOf<"falQwenImageEdit">, DirectCall {}
/** A single call of fal.ai Qwen multiple angles. */
export interface FalQwenImageEditMultiAngleRequest extends InvokeRequestOf<"falQwenImageEditMultiAngle">, DirectCall {}
/** A single call of fal.ai Qwen layered. */
export interface FalQwenImageLayeredRequest extends InvokeRequestOf<"falQwenImageLayered">, DirectCall {}
/** A single call of fal.ai Wan replace (an asynchronous task). */
export interface FalWanVideoReplaceRequest extends AsyncInvokeRequestOf<"falWanVideoReplace"> {}
/** A single call of fal.ai Kling video (an asynchronous task). */
export interface FalKlingVideoRequest extends AsyncInvokeRequestOf<"falKlingVideoGeneration"> {}
/** A single call of fal.ai SAM 3 on a video (an asynchronous task). */
export interface FalSam3VideoSegmentationRequest extends AsyncInvokeRequestOf<"falSam3VideoSegmentation"> {}
/** A single call of Black Forest Labs FLUX generation. */
export interface BflImageGenerationRequest extends InvokeRequestOf<"bflImageGeneration">, DirectCall {}
/** A single call of Black Forest Labs FLUX edit. */
export interface BflImageEditRequest extends InvokeRequestOf<"bflImageEdit">, DirectCall {}

/** A single model call, as `invoke` and `invokeStream` take it: one of the named requests, or an unchecked one. */
export type InvokeRequest =
  | OpenAIChatRequest
  | OpenAIResponsesRequest
  | OpenAIImageGenerationRequest
  | OpenAIImageEditRequest
  | GoogleGenerationRequest
  | GoogleVertexImageGenerationRequest
  | GoogleGenAIImageGenerationRequest
  | AnthropicMessagesRequest
  | AnthropicChatCompletionsRequest
  | AnthropicResponsesRequest
  | ResellerGoogleGenerationRequest
  | FreepikImageUpscalerRequest
  | FalZImageRequest
  | FalSam3ImageSegmentationRequest
  | FalQwenImageEditRequest
  | FalQwenImageEditMultiAngleRequest
  | FalQwenImageLayeredRequest
  | BflImageGenerationRequest
  | BflImageEditRequest
  | UncheckedInvokeRequest;
