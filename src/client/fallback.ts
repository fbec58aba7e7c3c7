// Fallback routes: patches of a request (another provider, model, channel or
// parameters) tried in order when the request fails in a way another route
// may not. Each patch is checked when it is given (at client creation for the
// client's defaults) and each patched request is validated in full, like any
// request, before the call sends anything.
import * as v from "valibot";
import { Channel } from "../enums/channel.js";
import { InvokeType } from "../enums/invoke-type.js";
import { ProviderType } from "../enums/provider-type.js";
import type { ModelRequestItem } from "../gen/model_service/model_service.js";
import type { InvokeRequest } from "../schemas/invoke-request.js";
import { ValidationError, type ValidationIssue } from "./errors.js";
import { PROVIDER_ERROR_KINDS, type ProviderErrorKind } from "./provider-error-kind.js";
import { buildInvokeRequest } from "./request/build-request.js";

/**
 * A fallback route: fields that replace the request's (`provider`, `model`,
 * `channel`, `invokeType`, any parameter). A field set to `undefined` removes
 * it (e.g. `messages: undefined` with `contents` for Google). The tenant and
 * the stream flag are the call's own and cannot be patched.
 *
 * With `http`, the route goes to a Model Manager's HTTP API at that base URL
 * (`POST {http}/v1/invoke`, SSE for streams: the Python SDK's HTTP
 * fallback) instead of the client's gRPC server; `{ http }` alone sends the
 * request itself there.
 */
export type FallbackPatch = {
  /** Base URL of a Model Manager HTTP API (`http://…` or `https://…`) to send this route to. */
  readonly http?: string;
  readonly provider?: ProviderType;
  readonly model?: string;
  readonly channel?: Channel;
  readonly invokeType?: InvokeType;
  readonly [parameter: string]: unknown;
};

const FallbackPatchSchema = v.pipe(
  v.looseObject({
    http: v.optional(
      v.pipe(
        v.string(),
        v.url("must be the base URL of a Model Manager HTTP API (http://host:port)"),
        v.check((url) => /^https?:\/\//i.test(url), "must be an http:// or https:// URL"),
        v.check((url) => !/[?#]/.test(url), "must be a base URL, without query or fragment"),
      ),
    ),
    provider: v.optional(v.picklist(Object.values(ProviderType))),
    model: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("must be a model name"))),
    channel: v.optional(v.picklist(Object.values(Channel))),
    invokeType: v.optional(v.picklist(Object.values(InvokeType))),
  }),
  v.check((patch) => Object.keys(patch).length > 0, "a fallback must change something"),
);

const NOT_PATCHED: Record<string, string> = {
  userContext: "the tenant of a call is the call's own",
  stream: "a fallback streams when its call does",
  customId: "only batch items take a customId",
  priority: "only batch items take a priority",
};

/** The provider error kinds that move a call on to its next route by default: all but `other`. */
export const DEFAULT_FALLBACK_ON: readonly ProviderErrorKind[] = PROVIDER_ERROR_KINDS.filter((kind) => kind !== "other");

const FallbackOnSchema = v.array(v.picklist(PROVIDER_ERROR_KINDS));

function issuesOf(issues: readonly v.BaseIssue<unknown>[], prefix: string): ValidationIssue[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue);
    return { path: path ? `${prefix}.${path}` : prefix, message: issue.message };
  });
}

/** Checks a list of fallback patches (issues named `<where>.<index>.<field>`); throws a ValidationError. */
export function checkFallbacks(fallbacks: unknown, where: string): readonly FallbackPatch[] {
  if (!Array.isArray(fallbacks)) throw new ValidationError([{ path: where, message: "must be an array of request patches" }]);
  const issues: ValidationIssue[] = [];
  fallbacks.forEach((patch: unknown, index) => {
    const result = v.safeParse(FallbackPatchSchema, patch);
    if (!result.success) issues.push(...issuesOf(result.issues, `${where}.${index}`));
    else {
      for (const key of Object.keys(result.output)) {
        if (Object.hasOwn(NOT_PATCHED, key)) issues.push({ path: `${where}.${index}.${key}`, message: `cannot be patched: ${NOT_PATCHED[key]}` });
      }
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return fallbacks as FallbackPatch[];
}

/** Checks a list of provider error kinds. */
export function checkFallbackOn(kinds: unknown, where: string): readonly ProviderErrorKind[] {
  const result = v.safeParse(FallbackOnSchema, kinds);
  if (!result.success) throw new ValidationError(issuesOf(result.issues, where));
  return result.output;
}

/** `request` with `patch` applied (its route target aside); `undefined` values remove fields. */
function patched(request: InvokeRequest, { http: _target, ...patch }: FallbackPatch): InvokeRequest {
  const merged: Record<string, unknown> = { ...request, ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete merged[key];
  return merged as unknown as InvokeRequest;
}

/** A fallback route on the wire: its request, and the HTTP API it goes to when not the client's server. */
export interface FallbackRoute {
  readonly item: ModelRequestItem;
  readonly http?: string;
}

/**
 * The wire requests of the fallback routes of `request`, each validated in
 * full; problems are named `fallbacks.<index>.<field>`.
 */
export async function buildFallbackItems(
  request: InvokeRequest,
  fallbacks: readonly FallbackPatch[],
  stream: boolean,
): Promise<FallbackRoute[]> {
  const issues: ValidationIssue[] = [];
  const items: FallbackRoute[] = [];
  for (const [index, patch] of fallbacks.entries()) {
    try {
      const { item } = await buildInvokeRequest(patched(request, patch), stream);
      items.push(patch.http === undefined ? { item } : { item, http: patch.http });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues.map((issue) => ({ path: `fallbacks.${index}${issue.path ? `.${issue.path}` : ""}`, message: issue.message })));
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return items;
}

/** Fallbacks are routes of a model call: a batch or a task lookup has none, and says so rather than ignore them. */
export function refuseFallbacks(options: { fallbacks?: unknown; fallbackOn?: unknown }, callName: string): void {
  const given = (["fallbacks", "fallbackOn"] as const).filter((key) => options[key] !== undefined);
  if (given.length > 0) {
    throw new ValidationError(given.map((key) => ({ path: `options.${key}`, message: `only invoke and invokeStream take fallbacks, not ${callName}` })));
  }
}
