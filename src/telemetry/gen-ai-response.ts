// What the GenAI conventions say about an answer, read from the provider's
// own shapes (OpenAI Chat and Responses, Anthropic, Google).

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The provider's response id and model, from a response or a stream event:
 * OpenAI and Anthropic `id` / `model` (Responses events and Anthropic's
 * `message_start` nest them in `response` / `message`), Google
 * `responseId` / `modelVersion`.
 */
export function responseIdentity(raw: unknown): { id?: string; model?: string } {
  if (!isRecord(raw)) return {};
  const source = isRecord(raw["response"]) ? raw["response"] : isRecord(raw["message"]) ? raw["message"] : raw;
  const id = source["id"] ?? source["responseId"];
  const model = source["model"] ?? source["modelVersion"];
  const identity: { id?: string; model?: string } = {};
  if (typeof id === "string" && id !== "") identity.id = id;
  if (typeof model === "string" && model !== "") identity.model = model;
  return identity;
}
