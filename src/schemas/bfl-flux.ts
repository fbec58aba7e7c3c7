import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { RemoteFileSchema } from "./binary-input.js";
import { nonEmptyString, optionalBoolean, optionalInteger, optionalNumber, optionalOneOf, optionalString } from "./fields.js";

/**
 * Parameters of Black Forest Labs FLUX (the Python SDK's `BFLInput` ∪
 * `BFLFlux2Input`): generation, and editing with `input_image` (Kontext) or
 * several input images (FLUX.2).
 */
const BflFluxEntries = {
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

const bflFluxSchema = asRequestSchema(v.strictObject(BflFluxEntries));

type BflFluxInput = v.InferInput<typeof bflFluxSchema>;

/** FLUX parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type BflFluxParams = { [K in keyof BflFluxInput]: BflFluxInput[K] };

/** FLUX parameters on their own. */
export const BflFluxSchema: RequestSchema<BflFluxParams> = bflFluxSchema;
