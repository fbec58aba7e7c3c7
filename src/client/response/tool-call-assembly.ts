// Tool calls of a stream, assembled from the pieces each provider streams:
// OpenAI Chat `delta.tool_calls` fragments (by index), Responses
// `function_call` items and `response.function_call_arguments.delta` events,
// Anthropic `tool_use` blocks and `input_json_delta` events, and Gemini
// `functionCall` parts (whole, possibly spread over chunks).
import { geminiFunctionCalls, geminiToolCall, responsesToolCall } from "./normalize-output.js";
import { type ToolCall, toolCall } from "./tool-call.js";

type Json = Record<string, any>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === "string" ? value : "");

interface Pending {
  id: string;
  name: string;
  /** Argument text received so far. */
  arguments: string;
  /** Arguments known whole before any fragment (Anthropic's `input` of the block start). */
  input?: unknown;
  /** Set once the provider sent the call whole. */
  whole?: ToolCall;
}

/** Collects a stream's tool calls chunk by chunk; {@link ToolCallAssembler.toolCalls} returns them whole. */
export interface ToolCallAssembler {
  /** Reads one parsed raw chunk (or event) of the stream. */
  push(raw: unknown): void;
  /** The calls so far, in the order the model started them. */
  toolCalls(): ToolCall[];
}

export function createToolCallAssembler(): ToolCallAssembler {
  return new ToolCallAssembly();
}

// A class, not closures per stream: thousands of open streams each hold one.
class ToolCallAssembly implements ToolCallAssembler {
  // Made at the stream's first tool call: most streams have none.
  #calls: Map<string, Pending> | undefined = undefined;
  #geminiCount = 0;
  // Responses: the completed response lists every call whole and wins over the pieces.
  #completed: ToolCall[] | undefined = undefined;

  push(raw: unknown): void {
    if (!isObject(raw)) return;
    if (Array.isArray(raw["choices"])) {
      const choice = raw["choices"].find((c: unknown) => isObject(c) && (c["index"] ?? 0) === 0);
      if (choice) this.#chat(choice);
    } else if (Array.isArray(raw["candidates"])) this.#gemini(raw);
    else if (typeof raw["type"] === "string") {
      if (raw["type"].startsWith("response.")) this.#responses(raw);
      else this.#anthropic(raw);
    }
  }

  toolCalls(): ToolCall[] {
    if (this.#completed) return this.#completed;
    if (this.#calls === undefined) return [];
    return [...this.#calls.values()].map((call) => {
      if (call.whole) return call.whole;
      // Anthropic: a block whose input streamed no fragment has its input whole in the block start.
      const args = call.arguments === "" && call.input !== undefined ? call.input : call.arguments;
      return toolCall(call.id, call.name, args);
    });
  }

  #pending(key: string): Pending {
    const calls = (this.#calls ??= new Map());
    let call = calls.get(key);
    if (!call) calls.set(key, (call = { id: "", name: "", arguments: "" }));
    return call;
  }

  #chat(choice: Json): void {
    const delta = choice["delta"];
    if (!isObject(delta)) return;
    if (Array.isArray(delta["tool_calls"])) {
      for (const fragment of delta["tool_calls"]) {
        if (!isObject(fragment)) continue;
        const call = this.#pending(`chat:${fragment["index"] ?? 0}`);
        // The id and name come whole in the first fragment; later ones may repeat them.
        call.id ||= text(fragment["id"]);
        call.name ||= text(fragment["function"]?.name);
        call.arguments += text(fragment["function"]?.arguments);
      }
    }
    // The deprecated `functions` API streams one call the same way.
    if (isObject(delta["function_call"])) {
      const call = this.#pending("chat:function_call");
      call.name ||= text(delta["function_call"]["name"]);
      call.arguments += text(delta["function_call"]["arguments"]);
    }
  }

  #responses(event: Json): void {
    const type: string = event["type"];
    if ((type === "response.output_item.added" || type === "response.output_item.done") && event["item"]?.type === "function_call") {
      const call = this.#pending(responsesKey(event));
      const item: Json = event["item"];
      call.id = text(item["call_id"] ?? item["id"]) || call.id;
      call.name = text(item["name"]) || call.name;
      if (type === "response.output_item.done") call.whole = responsesToolCall(item);
      else call.arguments += text(item["arguments"]);
    } else if (type === "response.function_call_arguments.delta") {
      this.#pending(responsesKey(event)).arguments += text(event["delta"]);
    } else if (type === "response.function_call_arguments.done") {
      const call = this.#pending(responsesKey(event));
      call.arguments = text(event["arguments"]);
      call.name ||= text(event["name"]);
    } else if ((type === "response.completed" || type === "response.incomplete") && isObject(event["response"])) {
      const output: unknown[] = Array.isArray(event["response"]["output"]) ? event["response"]["output"] : [];
      const whole = output.filter((item): item is Json => isObject(item) && item["type"] === "function_call").map(responsesToolCall);
      if (whole.length > 0) this.#completed = whole;
    }
  }

  #anthropic(event: Json): void {
    if (event["type"] === "content_block_start" && event["content_block"]?.type === "tool_use") {
      const block: Json = event["content_block"];
      const call = this.#pending(`anthropic:${event["index"]}`);
      call.id = text(block["id"]);
      call.name = text(block["name"]);
      call.input = block["input"];
    } else if (event["type"] === "content_block_delta" && event["delta"]?.type === "input_json_delta") {
      const call = this.#calls?.get(`anthropic:${event["index"]}`);
      if (call) call.arguments += text(event["delta"]["partial_json"]);
    }
  }

  #gemini(chunk: Json): void {
    const candidate = chunk["candidates"][0];
    for (const call of geminiFunctionCalls(candidate)) {
      const index = this.#geminiCount++;
      this.#pending(`gemini:${index}`).whole = geminiToolCall(call, index);
    }
  }
}

const responsesKey = (event: Json) => `responses:${event["output_index"] ?? event["item_id"] ?? event["item"]?.id}`;
