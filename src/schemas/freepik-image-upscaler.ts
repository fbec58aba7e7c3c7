import * as v from "valibot";
import { RemoteFileSchema } from "./binary-input.js";
import { optionalInteger, optionalOneOf } from "./fields.js";

/**
 * Parameters of Freepik's Magnific upscaler (the Python SDK's
 * `FreepikImageUpscalerInput`). Its defaults (scale 2, sharpen 7, smart grain
 * 7, ultra detail 30, flavor sublime) are Freepik's and are not sent.
 */
export const FreepikImageUpscalerEntries = {
  image: RemoteFileSchema,
  scale_factor: optionalInteger,
  sharpen: optionalInteger,
  smart_grain: optionalInteger,
  ultra_detail: optionalInteger,
  flavor: optionalOneOf(["sublime", "photo", "photo_denoiser"]),
};

/** Freepik upscaler parameters on their own. */
export const FreepikImageUpscalerSchema = v.strictObject(FreepikImageUpscalerEntries);
