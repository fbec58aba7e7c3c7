import * as v from "valibot";
import { RemoteFileSchema } from "./binary-input.js";
import { nonEmptyString, optionalBoolean, optionalInteger, optionalNumber, optionalOneOf, optionalString } from "./fields.js";

/**
 * Parameters of Black Forest Labs FLUX (the Python SDK's `BFLInput` ∪
 * `BFLFlux2Input`): generation, and editing with `input_image` (Kontext) or
 * several input images (FLUX.2).
 */
export const BflFluxEntries = {
  prompt: nonEmptyString,
  model: optionalString,
  input_image: v.nullish(RemoteFileSchema),
  input_image_2: v.nullish(RemoteFileSchema),
  input_image_3: v.nullish(RemoteFileSchema),
  input_image_4: v.nullish(RemoteFileSchema),
  aspect_ratio: optionalString,
  width: optionalInteger,
  height: optionalInteger,
  seed: optionalInteger,
  steps: optionalInteger,
  guidance: optionalNumber,
  prompt_upsampling: optionalBoolean,
  safety_tolerance: optionalInteger,
  output_format: optionalOneOf(["jpeg", "png"]),
};

/** FLUX parameters on their own. */
export const BflFluxSchema = v.strictObject(BflFluxEntries);
