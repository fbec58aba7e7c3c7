export { Channel, ProviderChannels } from "./channel.js";
export { InvokeType } from "./invoke-type.js";
export { ProviderType } from "./provider-type.js";
