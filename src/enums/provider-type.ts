import { PROVIDERS, type ProviderName } from "../routes/route-table.js";
import { wireEnum } from "../routes/wire-enum.js";

/**
 * Model providers the Model Manager routes to, from the route table. Values
 * are the wire strings of `ModelRequestItem.provider`; plain string literals
 * (`"openai"`) work too.
 */
export const ProviderType = wireEnum(Object.keys(PROVIDERS) as ProviderName[]);

/** A provider wire value: `"openai" | "azure" | "google" | "anthropic"`. */
export type ProviderType = ProviderName;
