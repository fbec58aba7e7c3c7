import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { RemoteFileSchema } from "./binary-input.js";
import { optionalInteger, optionalOneOf } from "./fields.js";

/**
 * Parameters of Freepik's Magnific upscaler (the Python SDK's
 * `FreepikImageUpscalerInput`). Its defaults (scale 2, sharpen 7, smart grain
 * 7, ultra detail 30, flavor sublime) are Freepik's and are not sent.
 */
const FreepikImageUpscalerEntries = {
  image: RemoteFileSchema,
  scale_factor: optionalInteger,
  sharpen: optionalInteger,
  smart_grain: optionalInteger,
  ultra_detail: optionalInteger,
  flavor: optionalOneOf(["sublime", "photo", "photo_denoiser"]),
};

const freepikImageUpscalerSchema = asRequestSchema(v.strictObject(FreepikImageUpscalerEntries));

type FreepikImageUpscalerInput = v.InferInput<typeof freepikImageUpscalerSchema>;

/** Freepik upscaler parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type FreepikImageUpscalerParams = { [K in keyof FreepikImageUpscalerInput]: FreepikImageUpscalerInput[K] };

/** Freepik upscaler parameters on their own. */
export const FreepikImageUpscalerSchema: RequestSchema<FreepikImageUpscalerParams> = freepikImageUpscalerSchema;
