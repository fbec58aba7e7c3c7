// Turns valibot issues into ValidationIssues that name the offending path and,
// for unknown fields, say where the field belongs or what to use instead.
import * as v from "valibot";
import { GoogleGenerateContentConfigSchema } from "../../schemas/google-generation.js";
import { RequestPairs } from "../../schemas/invoke-request.js";
import type { ValidationIssue } from "../errors.js";

const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

const callOptionHints: Record<string, string> = {
  timeout: "set the call option timeoutMs instead",
  request_id: "set the call option requestId instead",
  user_context: "use userContext (camelCase) instead",
  invoke_type: "use invokeType (camelCase) instead",
  custom_id: "use customId (camelCase) instead",
};

function unknownFieldMessage(path: readonly v.IssuePathItem[], provider: unknown, invokeType: string): string {
  const key = String(path[path.length - 1]?.key);
  if (path.length > 1) {
    const known = (path[path.length - 2]?.value ?? {}) as object;
    const camel = camelCase(key);
    const hint = camel !== key && !(camel in known) ? ` (did you mean ${camel}?)` : "";
    return `unknown field${hint}`;
  }
  if (provider === undefined) return "unknown field";
  const hint = callOptionHints[key];
  if (hint) return `unknown field: ${hint}`;
  const owners = Object.values(RequestPairs)
    .filter((pair) => (pair.providers as unknown[]).includes(provider) && key in pair.request.entries)
    .map((pair) => pair.invokeTypes[0]);
  if (owners.length > 0) return `not a parameter of ${provider} ${invokeType}; it belongs to invokeType ${owners.join(" / ")}`;
  if (provider === "google" && key in GoogleGenerateContentConfigSchema.entries) {
    return `unknown field: Google takes it inside config (config.${key})`;
  }
  const escapeHatch =
    provider === "google"
      ? "config.httpOptions.extraBody"
      : "extra_body (merged into the provider request body)";
  return `unknown field for ${provider} ${invokeType}; a provider parameter newer than this SDK goes in ${escapeHatch}`;
}

// A union failure carries one issue list per option; the most specific ones
// (those reaching deepest into the input) say what is actually wrong.
function flatten(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown>[] {
  if (!issue.issues?.length) return [issue];
  const depth = (item: v.BaseIssue<unknown>) => item.path?.length ?? 0;
  const deepest = Math.max(...issue.issues.map(depth));
  if (deepest <= depth(issue)) return [issue];
  return issue.issues.filter((item) => depth(item) === deepest).flatMap(flatten);
}

/** Converts the issues of a failed request parse. `prefix` locates the request (batch items). */
export function toValidationIssues(
  issues: readonly v.BaseIssue<unknown>[],
  provider: unknown,
  invokeType: string,
  prefix: string,
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues.flatMap(flatten)) {
    const path = prefix + (v.getDotPath(issue) ?? "");
    const message =
      issue.type === "strict_object" && issue.path ? unknownFieldMessage(issue.path, provider, invokeType) : issue.message;
    // Union options can report the same place twice.
    if (!out.some((seen) => seen.path === path && seen.message === message)) out.push({ path, message });
  }
  return out;
}
