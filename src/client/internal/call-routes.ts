// The routes of one invoke / invokeStream call: its fallbacks built and
// validated before anything is sent, and where the answer came from.
import type { ModelRequestItem } from "../../gen/model_service/model_service.js";
import type { InvokeRequest } from "../../schemas/invoke-request.js";
import type { CallOptions } from "./call.js";
import { buildFallbackItems, checkFallbacks, type FallbackRoute } from "../fallback.js";
import type { RouteReport } from "./fallback-middleware.js";
import { clientStateOf } from "./client-state.js";
import type { ModelCallOptions } from "../model-call-options.js";
import type { ModelClient } from "../model-client.js";
import type { ModelResponse } from "../response/model-response.js";
import { routeOf } from "./route.js";

/** The wire requests of the call's fallback routes (the call's own list, else the client's). */
export async function fallbackItemsOf(
  client: ModelClient,
  request: InvokeRequest,
  options: CallOptions,
  stream: boolean,
): Promise<FallbackRoute[]> {
  const fallbacks = options.fallbacks === undefined ? clientStateOf(client).fallbacks : checkFallbacks(options.fallbacks, "options.fallbacks");
  return fallbacks.length === 0 ? [] : buildFallbackItems(request, fallbacks, stream);
}

/** Hands the fallback routes to the chain; returns the report the chain fills in. */
export function withRoutes(callOptions: ModelCallOptions, fallbackItems: FallbackRoute[]): RouteReport {
  const report: RouteReport = { attempts: [] };
  if (fallbackItems.length > 0) callOptions.fallbackItems = fallbackItems;
  callOptions.routeReport = report;
  return report;
}

/** Sets `route` and `attempts` of an answer (or chunk) from the call's report. */
export function stampRoute(response: ModelResponse, report: RouteReport, primary: ModelRequestItem, client: ModelClient): ModelResponse {
  report.route ??= routeOf(primary, 0, clientStateOf(client).address);
  response.route = report.route;
  response.attempts = report.attempts;
  return response;
}
