import { CHANNELS, type ChannelName, PROVIDERS, type ProviderName } from "../routes/route-table.js";
import { wireEnum } from "../routes/wire-enum.js";

/**
 * Routing channels, from the route table. `NORMAL` (the wire default) lets the
 * server pick the provider's default channel; the others pin one. Values are
 * the wire strings of `ModelRequestItem.channel`; plain string literals work too.
 */
export const Channel = wireEnum(CHANNELS);

/** A channel wire value, e.g. `"normal"` or `"vertexai"`. */
export type Channel = ChannelName;

/** The channels each provider has, from the route table (`normal` first: the provider's default). */
export const ProviderChannels = Object.fromEntries(
  Object.entries(PROVIDERS).map(([provider, { channels }]) => [provider, channels]),
) as { readonly [P in ProviderName]: (typeof PROVIDERS)[P]["channels"] };
