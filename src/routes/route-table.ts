/**
 * The one table of what the Model Manager routes: providers, the channels
 * each takes, and every (provider, invoke type) pair with its aliases. The
 * enums, the client's request schemas, the reference server's routes and the
 * README's routing table are all derived from it; adding a pair is one entry
 * here plus its request schema (src/schemas) and its server parameter module
 * (src/server/params). Plain data, no imports: client and server both read it.
 */

/**
 * Every channel value, in the order error messages list them. `normal` (the
 * wire default) lets the server pick the provider's default channel; the
 * others pin one.
 */
export const CHANNELS = ["normal", "openai", "anthropic", "vertexai", "ai-studio", "omnihuman", "seedance"] as const;

/** Providers and the channels each one is reachable through (`normal` first). */
export const PROVIDERS = {
  openai: { channels: ["normal", "openai"] },
  // `openai`: the original SDK's Azure example sends it (the OpenAI API family).
  azure: { channels: ["normal", "openai"] },
  google: { channels: ["normal", "ai-studio", "vertexai"] },
  anthropic: { channels: ["normal", "anthropic"] },
  freepik: { channels: ["normal"] },
  // BytePlus ModelArk and its China twin Volcengine Doubao: OmniHuman and Seedance video.
  byteplus: { channels: ["normal", "omnihuman", "seedance"] },
  doubao: { channels: ["normal", "omnihuman", "seedance"] },
  "fal-ai": { channels: ["normal"] },
  bfl: { channels: ["normal"] },
  // Resellers speaking the Gemini (generation) and OpenAI videos (video-generation) APIs.
  xfusionai: { channels: ["normal"] },
  tuzi: { channels: ["normal"] },
  // In the Python SDK 0.5 enum but in no case of its table: no checked request
  // form here either (README: "Providers without a checked form").
  "kling-ai": { channels: ["normal"] },
} as const satisfies Record<string, { readonly channels: readonly (typeof CHANNELS)[number][] }>;

/** One (provider, invoke type) pair: the providers it serves and how requests name it. */
export interface PairRoute {
  readonly providers: readonly (keyof typeof PROVIDERS)[];
  /** The invoke type inference picks and error messages name. */
  readonly invokeType: string;
  /** Other invoke types meaning the same pair, sent on the wire as given. */
  readonly aliases: readonly string[];
  /**
   * Inference: a request that names no invoke type takes the pair of its
   * provider whose keys it all carries (the most keys wins, then table order).
   * Empty: the pair of a provider that has only one. `null`: never inferred
   * from keys (its keys are another pair's too): the request names the
   * invoke type, or a model of `inferredFromModel`.
   */
  readonly inferredFrom: readonly string[] | null;
  /**
   * Inference, before the keys: a request whose `model` starts with this
   * prefix takes this pair (video models are named for their family, and
   * their other parameters are all optional).
   */
  readonly inferredFromModel?: string;
  /** True when the API runs only as an asynchronous task (video generation). */
  readonly asyncOnly?: boolean;
  /**
   * The reference server's parameter check for this pair (src/server/params),
   * named for the provider API it prepares a call of.
   */
  readonly params: string;
  /** What the README's routing table says beside the invoke type, if anything. */
  readonly note?: string;
}

const openAI = ["openai", "azure"] as const;
const resellers = ["xfusionai", "tuzi"] as const;
const bytePlus = ["byteplus", "doubao"] as const;

/**
 * Every supported pair, by the name of its request schema. `generation` is an
 * alias because the Python SDK sends it by default: it meant Responses for
 * OpenAI and Messages for Anthropic there.
 */
export const PAIRS = {
  openaiChatCompletions: { providers: openAI, invokeType: "chat-completions", aliases: [], inferredFrom: ["messages"], params: "openai.chat-completions" },
  openaiResponses: { providers: openAI, invokeType: "responses", aliases: ["generation"], inferredFrom: ["input"], params: "openai.responses" },
  openaiImageGeneration: { providers: openAI, invokeType: "image-generation", aliases: [], inferredFrom: ["prompt"], params: "openai.images.generate" },
  openaiImageEdit: { providers: openAI, invokeType: "image-edit-generation", aliases: [], inferredFrom: ["prompt", "image"], params: "openai.images.edit" },
  openaiVideoGeneration: {
    providers: openAI,
    invokeType: "video-generation",
    aliases: [],
    inferredFrom: ["prompt", "seconds"],
    inferredFromModel: "sora",
    asyncOnly: true,
    params: "openai.videos",
    note: "always an asynchronous task",
  },
  googleGeneration: { providers: ["google"], invokeType: "generation", aliases: [], inferredFrom: ["contents"], params: "google.generate-content" },
  googleVertexImageGeneration: {
    providers: ["google"],
    invokeType: "image-generation",
    aliases: [],
    inferredFrom: ["prompt"],
    // Same upstream API as image-generation-genai; only the input spelling differs.
    params: "google.vertex-imagen",
    note: "Vertex AI Imagen, Python field names",
  },
  googleGenAIImageGeneration: { providers: ["google"], invokeType: "image-generation-genai", aliases: [], inferredFrom: ["prompt", "config"], params: "google.generate-images" },
  googleGenAIVideoGeneration: {
    providers: ["google"],
    invokeType: "video-generation-genai",
    aliases: [],
    inferredFrom: ["source"],
    inferredFromModel: "veo",
    asyncOnly: true,
    params: "google.generate-videos",
    note: "always an asynchronous task",
  },
  anthropicMessages: { providers: ["anthropic"], invokeType: "messages", aliases: ["generation"], inferredFrom: [], params: "anthropic.messages" },
  // Anthropic's OpenAI-compatible endpoint; named, never inferred (messages is Anthropic's own API).
  anthropicChatCompletions: {
    providers: ["anthropic"],
    invokeType: "chat-completions",
    aliases: [],
    inferredFrom: null,
    params: "openai.chat-completions",
    note: "OpenAI Chat Completions fields, Anthropic's OpenAI-compatible endpoint",
  },
  anthropicResponses: {
    providers: ["anthropic"],
    invokeType: "responses",
    aliases: [],
    inferredFrom: null,
    params: "openai.responses",
    note: "OpenAI Responses fields; the reference server refuses it: Anthropic has no Responses API",
  },
  resellerGoogleGeneration: { providers: resellers, invokeType: "generation", aliases: [], inferredFrom: ["contents"], params: "google.generate-content", note: "Google generateContent fields" },
  resellerVideoGeneration: {
    providers: resellers,
    invokeType: "video-generation",
    aliases: [],
    inferredFrom: ["prompt"],
    asyncOnly: true,
    params: "openai.videos",
    note: "OpenAI videos fields; always an asynchronous task",
  },
  freepikImageUpscaler: { providers: ["freepik"], invokeType: "image-upscaler", aliases: [], inferredFrom: [], params: "freepik.image-upscaler" },
  bytePlusVideoGeneration: {
    providers: bytePlus,
    invokeType: "video-generation",
    aliases: [],
    inferredFrom: [],
    asyncOnly: true,
    params: "byteplus.video-generation",
    note: "OmniHuman and Seedance fields; always an asynchronous task",
  },
  // `prompt` alone is every fal model's: inferred from the model only.
  falZImageGeneration: {
    providers: ["fal-ai"],
    invokeType: "image-generation",
    aliases: [],
    inferredFrom: null,
    inferredFromModel: "fal-ai/z-image",
    params: "fal.z-image",
    note: "Z-Image",
  },
  falSam3ImageSegmentation: {
    providers: ["fal-ai"],
    invokeType: "image-segmentation",
    aliases: [],
    inferredFrom: null,
    inferredFromModel: "fal-ai/sam-3/image",
    params: "fal.sam-3-image",
    note: "SAM 3",
  },
  falQwenImageEdit: { providers: ["fal-ai"], invokeType: "image-edit-generation", aliases: [], inferredFrom: ["image_urls"], params: "fal.qwen-image-edit", note: "Qwen image edit" },
  // Same main field as image-edit-generation: always named.
  falQwenImageEditMultiAngle: {
    providers: ["fal-ai"],
    invokeType: "image-edit-multi-angle",
    aliases: [],
    inferredFrom: null,
    params: "fal.qwen-image-edit-multi-angle",
    note: "Qwen multiple angles",
  },
  falQwenImageLayered: { providers: ["fal-ai"], invokeType: "image-layer-generation", aliases: [], inferredFrom: ["prompt", "image_url"], params: "fal.qwen-image-layered", note: "Qwen layered" },
  falWanVideoReplace: {
    providers: ["fal-ai"],
    invokeType: "video-edit-generation",
    aliases: [],
    inferredFrom: ["video_url", "image_url"],
    asyncOnly: true,
    params: "fal.wan-video-replace",
    note: "Wan replace; always an asynchronous task",
  },
  falKlingVideoGeneration: {
    providers: ["fal-ai"],
    invokeType: "video-generation",
    aliases: [],
    inferredFrom: null,
    inferredFromModel: "fal-ai/kling-video",
    asyncOnly: true,
    params: "fal.kling-video",
    note: "Kling; always an asynchronous task",
  },
  falSam3VideoSegmentation: {
    providers: ["fal-ai"],
    invokeType: "video-segmentation",
    aliases: [],
    inferredFrom: null,
    inferredFromModel: "fal-ai/sam-3/video",
    asyncOnly: true,
    params: "fal.sam-3-video",
    note: "SAM 3; always an asynchronous task",
  },
  bflImageGeneration: { providers: ["bfl"], invokeType: "image-generation", aliases: [], inferredFrom: ["prompt"], params: "bfl.flux", note: "FLUX" },
  bflImageEdit: { providers: ["bfl"], invokeType: "image-edit-generation", aliases: [], inferredFrom: ["prompt", "input_image"], params: "bfl.flux", note: "FLUX Kontext / FLUX.2" },
} as const satisfies Record<string, PairRoute>;

/** A provider wire value. */
export type ProviderName = keyof typeof PROVIDERS;
/** A channel wire value. */
export type ChannelName = (typeof CHANNELS)[number];
/** The name of a pair in {@link PAIRS}. */
export type PairName = keyof typeof PAIRS;
/** An invoke type wire value, aliases included. */
export type InvokeTypeName = { [K in PairName]: (typeof PAIRS)[K]["invokeType"] | (typeof PAIRS)[K]["aliases"][number] }[PairName];
/** The channels of one provider. */
export type ChannelOf<P extends ProviderName> = (typeof PROVIDERS)[P]["channels"][number];
/** The invoke types (aliases included) one provider takes. */
export type InvokeTypeOf<P extends ProviderName> = {
  [K in PairName]: P extends (typeof PAIRS)[K]["providers"][number] ? (typeof PAIRS)[K]["invokeType"] | (typeof PAIRS)[K]["aliases"][number] : never;
}[PairName];
