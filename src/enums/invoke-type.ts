import { PAIRS, type InvokeTypeName } from "../routes/route-table.js";
import { wireEnum } from "../routes/wire-enum.js";

/**
 * Provider APIs a request can target, from the route table (README: "Requests"
 * lists which provider takes which). Values are the wire strings of
 * `ModelRequestItem.invoke_type`; plain string literals work too.
 */
export const InvokeType = wireEnum([
  ...new Set(Object.values(PAIRS).flatMap((pair): InvokeTypeName[] => [pair.invokeType, ...pair.aliases])),
]);

/** An invoke type wire value, e.g. `"chat-completions"`. */
export type InvokeType = InvokeTypeName;
