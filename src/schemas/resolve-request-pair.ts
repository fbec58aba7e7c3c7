import { type RequestPairName, RequestPairs } from "./invoke-request.js";

const has = (request: Record<string, unknown>, key: string) => request[key] !== undefined;
const modelStartsWith = (request: Record<string, unknown>, prefix: string) =>
  typeof request["model"] === "string" && request["model"].startsWith(prefix);

/**
 * Infers the invoke type of a request that does not name one, from the
 * parameters it carries: `messages` → chat-completions, `input` → responses,
 * `contents` → generation, `prompt` + `image` → image-edit-generation,
 * `prompt` → image-generation (Google: image-generation-genai when a
 * `config` comes with it), and always `messages` for Anthropic. Video
 * generation is inferred from its own parameters or model family: OpenAI
 * `seconds` / `input_reference` / a `sora-*` model → video-generation; Google
 * `video` / `source` / `image` / a `veo-*` model → video-generation-genai.
 * Returns `undefined` when nothing fits.
 */
export function inferInvokeType(provider: unknown, request: Record<string, unknown>): string | undefined {
  switch (provider) {
    case "anthropic":
      return "messages";
    case "google":
      if (has(request, "contents")) return "generation";
      if (["video", "source", "image"].some((key) => has(request, key)) || modelStartsWith(request, "veo")) {
        return "video-generation-genai";
      }
      if (has(request, "prompt")) return has(request, "config") ? "image-generation-genai" : "image-generation";
      return undefined;
    case "openai":
    case "azure":
      if (has(request, "messages")) return "chat-completions";
      if (has(request, "input")) return "responses";
      if (has(request, "seconds") || has(request, "input_reference") || modelStartsWith(request, "sora")) return "video-generation";
      if (has(request, "prompt")) return has(request, "image") ? "image-edit-generation" : "image-generation";
      return undefined;
    default:
      return undefined;
  }
}

/** The pair that handles (provider, invokeType), if any. */
export function findRequestPair(provider: unknown, invokeType: unknown): RequestPairName | undefined {
  for (const name in RequestPairs) {
    const pair = RequestPairs[name as RequestPairName];
    if ((pair.providers as unknown[]).includes(provider) && (pair.invokeTypes as unknown[]).includes(invokeType)) {
      return name as RequestPairName;
    }
  }
  return undefined;
}

/** The invoke types a provider supports, for error messages. */
export function invokeTypesOf(provider: unknown): string[] {
  return Object.values(RequestPairs).flatMap((pair) =>
    (pair.providers as unknown[]).includes(provider) ? pair.invokeTypes : [],
  );
}
