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
