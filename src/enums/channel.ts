import type { ProviderType } from "./provider-type.js";

/**
 * Routing channels. `NORMAL` (the wire default) lets the server pick the
 * provider's default channel; the others pin one. Values are the wire strings
 * of `ModelRequestItem.channel`; plain string literals work too.
 */
export const Channel = {
  NORMAL: "normal",
  OPENAI: "openai",
  ANTHROPIC: "anthropic",
  VERTEXAI: "vertexai",
  AI_STUDIO: "ai-studio",
} as const;

/** A channel wire value, e.g. `"normal"` or `"vertexai"`. */
export type Channel = (typeof Channel)[keyof typeof Channel];

/**
 * The channels each provider has (`normal` first: the provider's default).
 * Azure's `openai` is the original SDK's spelling for its OpenAI-family API.
 */
export const ProviderChannels = {
  openai: [Channel.NORMAL, Channel.OPENAI],
  azure: [Channel.NORMAL, Channel.OPENAI],
  google: [Channel.NORMAL, Channel.AI_STUDIO, Channel.VERTEXAI],
  anthropic: [Channel.NORMAL, Channel.ANTHROPIC],
} as const satisfies Record<ProviderType, readonly Channel[]>;
