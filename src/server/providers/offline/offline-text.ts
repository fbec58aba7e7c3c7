import { createHash } from "node:crypto";
import type { ModelApi } from "../provider.js";

/** Words in an answer when the request sets no token limit. */
export const OFFLINE_DEFAULT_WORDS = 16;
/** Longest answer the offline provider writes (a guard against runaway requests). */
export const OFFLINE_MAX_WORDS = 100_000;

const VOCABULARY = [
  "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
  "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
  "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray",
  "yankee", "zulu", "offline", "model", "answer", "token", "stream", "chunk",
] as const;

/** What the offline provider derives its answer from. */
export interface OfflinePrompt {
  /** Text of the last user turn (or the image prompt); "" when there is none. */
  readonly lastUserText: string;
  /** Words across every text of the input: the prompt token count. */
  readonly promptTokens: number;
  /** Answer length in words. */
  readonly answerWords: number;
}

/**
 * The deterministic answer: `[provider/invoke_type/model] digest:<12 hex> w w w…`
 * where the digest is SHA-256 of the last user text and the filler words come
 * from a PRNG seeded by it, so a test can predict every word. Exactly
 * `answerWords` words.
 */
export function offlineWords(label: string, prompt: OfflinePrompt): string[] {
  const digest = createHash("sha256").update(prompt.lastUserText).digest();
  const words = [`[${label}]`, `digest:${digest.toString("hex", 0, 6)}`];
  let state = digest.readUInt32BE(0) || 1;
  while (words.length < prompt.answerWords) {
    // xorshift32: cheap, deterministic, good enough to vary the filler.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    words.push(VOCABULARY[state % VOCABULARY.length] ?? "offline");
  }
  return words.slice(0, prompt.answerWords);
}

/** Reads the prompt text and the requested answer length from provider params. */
export function readOfflinePrompt(api: ModelApi, params: Readonly<Record<string, unknown>>): OfflinePrompt {
  const input = conversationOf(api, params);
  const texts: string[] = [];
  collectTexts(input, texts);
  const lastUserText = lastUserTextOf(input) ?? texts.at(-1) ?? "";
  return {
    lastUserText,
    promptTokens: Math.max(1, countWords(texts.join(" "))),
    answerWords: answerLength(params),
  };
}

function conversationOf(api: ModelApi, params: Readonly<Record<string, unknown>>): unknown {
  switch (api) {
    case "openai.chat-completions":
    case "anthropic.messages":
      return params["messages"];
    case "openai.responses":
      return params["input"];
    case "google.generate-content":
      return params["contents"];
    case "openai.images.generate":
    case "openai.images.edit":
    case "google.generate-images":
    case "openai.videos":
      return params["prompt"];
    case "google.generate-videos":
      return params["prompt"] ?? (params["source"] as { prompt?: unknown } | undefined)?.prompt ?? "";
    default:
      // The offline-only backends' APIs: a prompt (or Seedance's content list) when there is one.
      return params["prompt"] ?? params["content"] ?? "";
  }
}

function answerLength(params: Readonly<Record<string, unknown>>): number {
  const config = params["config"];
  const limit = [
    params["max_tokens"],
    params["max_completion_tokens"],
    params["max_output_tokens"],
    typeof config === "object" && config !== null ? (config as Record<string, unknown>)["maxOutputTokens"] : undefined,
  ].find((value): value is number => typeof value === "number");
  return limit ?? OFFLINE_DEFAULT_WORDS;
}

// A message list's last turn whose role is "user" (every provider spells it
// so), reduced to its text parts; a plain string input is its own last turn.
function lastUserTextOf(input: unknown): string | undefined {
  if (typeof input === "string") return input;
  if (!Array.isArray(input)) return undefined;
  for (let i = input.length - 1; i >= 0; i--) {
    const turn: unknown = input[i];
    if (typeof turn === "string") return turn;
    if (typeof turn === "object" && turn !== null && (turn as { role?: unknown }).role === "user") {
      const texts: string[] = [];
      collectTexts(turn, texts);
      return texts.join(" ");
    }
  }
  return undefined;
}

const TEXT_KEYS = new Set(["content", "text", "parts", "input", "prompt"]);

function collectTexts(value: unknown, into: string[]): void {
  if (typeof value === "string") {
    into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTexts(item, into);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (TEXT_KEYS.has(key)) collectTexts(item, into);
    }
  }
}

function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}
