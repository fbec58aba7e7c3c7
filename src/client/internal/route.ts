import type { ModelRequestItem } from "../../gen/model_service/model_service.js";
import type { ModelRoute } from "../response/model-response.js";

/** The route of a wire request sent to `address`; `index` 0 is the request itself, n its n-th fallback. */
export function routeOf(item: ModelRequestItem, index: number, address: string, transport: ModelRoute["transport"] = "grpc"): ModelRoute {
  const model = item.extra?.["model"];
  return {
    index,
    address,
    transport,
    provider: item.provider,
    model: typeof model === "string" ? model : undefined,
    channel: item.channel || undefined,
    invokeType: item.invokeType,
  };
}
