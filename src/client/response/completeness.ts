import { InvokeType } from "../../enums/invoke-type.js";

// Image results carry no finish reason; every text answer ends with one.
const WITHOUT_FINISH_REASON = new Set<string>([InvokeType.IMAGE_GENERATION, InvokeType.IMAGE_EDIT_GENERATION, InvokeType.IMAGE_GENERATION_GENAI]);

/** True when a complete answer of `invokeType` reports a finish reason (text answers). */
export function endsWithFinishReason(invokeType: string): boolean {
  return !WITHOUT_FINISH_REASON.has(invokeType);
}
