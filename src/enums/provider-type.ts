/**
 * Model providers the Model Manager routes to. Values are the wire strings of
 * `ModelRequestItem.provider`; plain string literals (`"openai"`) work too.
 */
export const ProviderType = {
  OPENAI: "openai",
  AZURE: "azure",
  GOOGLE: "google",
  ANTHROPIC: "anthropic",
} as const;

/** A provider wire value: `"openai" | "azure" | "google" | "anthropic"`. */
export type ProviderType = (typeof ProviderType)[keyof typeof ProviderType];
