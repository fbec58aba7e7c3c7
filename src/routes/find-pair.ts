import { PAIRS, type PairName, type PairRoute } from "./route-table.js";

const pairNames = Object.keys(PAIRS) as PairName[];

const serves = (name: PairName, provider: unknown) => (PAIRS[name].providers as readonly unknown[]).includes(provider);

// Every request is checked against the table: these lookups are built from it
// once, at load, so a check costs a map read rather than a walk of every pair.
const pairByRoute = new Map<string, Map<string, PairName>>();
const invokeTypesByProvider = new Map<string, string[]>();
for (const name of pairNames) {
  const route = PAIRS[name];
  for (const provider of route.providers) {
    const byInvokeType = pairByRoute.get(provider) ?? new Map<string, PairName>();
    pairByRoute.set(provider, byInvokeType);
    const invokeTypes = invokeTypesByProvider.get(provider) ?? [];
    invokeTypesByProvider.set(provider, invokeTypes);
    for (const invokeType of [route.invokeType, ...route.aliases]) {
      if (!byInvokeType.has(invokeType)) byInvokeType.set(invokeType, name);
      invokeTypes.push(invokeType);
    }
  }
}

/** The pair that handles (provider, invokeType), aliases included, if any. */
export function findPair(provider: unknown, invokeType: unknown): PairName | undefined {
  if (typeof provider !== "string" || typeof invokeType !== "string") return undefined;
  return pairByRoute.get(provider)?.get(invokeType);
}

/** The invoke types a provider takes, aliases included, in table order (for error messages). */
export function invokeTypesOf(provider: unknown): string[] {
  return typeof provider === "string" ? [...(invokeTypesByProvider.get(provider) ?? [])] : [];
}

/** Whether the table has any pair for `provider`. */
export function isRoutedProvider(provider: unknown): boolean {
  return typeof provider === "string" && invokeTypesByProvider.has(provider);
}

/**
 * The invoke type of a request that names none, from the parameters it
 * carries (see `PairRoute.inferredFrom`): `messages` → chat-completions,
 * `input` → responses, `contents` → generation, `prompt` + `image` →
 * image-edit-generation, `prompt` → image-generation (Google:
 * image-generation-genai when a `config` comes with it), Anthropic → messages;
 * video: a `sora-*` model or `prompt` + `seconds` → video-generation, a
 * `veo-*` model or `source` → video-generation-genai (`inferredFromModel`
 * goes first); the other providers' rules are in the route table
 * (test/schemas/inference.test.ts lists them all). `undefined` when nothing fits.
 */
export function inferInvokeType(provider: unknown, request: Readonly<Record<string, unknown>>): string | undefined {
  const model = request["model"];
  const byModel = pairNames.find((name) => {
    const prefix: string | undefined = (PAIRS[name] as PairRoute).inferredFromModel;
    return serves(name, provider) && prefix !== undefined && typeof model === "string" && model.startsWith(prefix);
  });
  if (byModel !== undefined) return PAIRS[byModel].invokeType;
  let best: PairName | undefined;
  for (const name of pairNames) {
    const keys: readonly string[] | null = PAIRS[name].inferredFrom;
    if (keys === null || !serves(name, provider) || !keys.every((key) => request[key] !== undefined)) continue;
    if (best === undefined || keys.length > PAIRS[best].inferredFrom!.length) best = name;
  }
  return best === undefined ? undefined : PAIRS[best].invokeType;
}
