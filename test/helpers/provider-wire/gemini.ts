/**
 * The Gemini REST wire format (AI Studio and Vertex AI): generateContent
 * responses, `streamGenerateContent?alt=sse` chunks (CRLF-framed, as Google
 * sends them) and Imagen `:predict` results.
 */
import type { ServerResponse } from "node:http";
import { sendJson, sseEvent, startSse, type RecordedRequest } from "../fake-upstream.js";
import { PNG_B64 } from "./png.js";

export const GEMINI_USAGE = { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 };

/** A generateContent response (or stream chunk) with the given parts. */
export function geminiResponse(parts: readonly object[], finishReason?: string, usage?: object) {
  return {
    candidates: [{ content: { role: "model", parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
    ...(usage ? { usageMetadata: usage } : {}),
    modelVersion: "gemini-2.5-flash",
    responseId: "resp-1",
  };
}

/** A text answer. */
export const geminiText = (text: string, finishReason?: string, usage?: object) => geminiResponse([{ text }], finishReason, usage);

/** A stream of the given chunks (generateContent responses). */
export function writeGeminiChunks(res: ServerResponse, chunks: readonly object[]) {
  startSse(res);
  for (const chunk of chunks) res.write(sseEvent(chunk, undefined, "\r\n"));
  res.end();
}

/**
 * A text stream: one chunk per piece, each with Gemini's running usage, the
 * last with the finish reason and the total usage.
 */
export function writeGeminiStream(res: ServerResponse, pieces: readonly string[] = ["Hi", " there"], usage: object = GEMINI_USAGE) {
  writeGeminiChunks(
    res,
    pieces.map((piece, i) =>
      i === pieces.length - 1 ? geminiText(piece, "STOP", usage) : geminiText(piece, undefined, { promptTokenCount: 5, totalTokenCount: 5 }),
    ),
  );
}

/** Imagen's `:predict` answer with one image. */
export const imagenPredictions = (b64: string) => ({ predictions: [{ bytesBase64Encoded: b64, mimeType: "image/png" }] });

/** Google's error body. */
export const googleError = (code: number, message: string, status: string) => ({ error: { code, message, status } });

/** The Gemini API (AI Studio or Vertex AI) with the default answers: generateContent, its SSE stream, Imagen predict. */
export function geminiApi(request: RecordedRequest, res: ServerResponse): void {
  if (request.path.endsWith(":streamGenerateContent")) return writeGeminiStream(res);
  if (request.path.endsWith(":predict")) return sendJson(res, 200, imagenPredictions(PNG_B64));
  sendJson(res, 200, geminiText("Hi there", "STOP", GEMINI_USAGE));
}
