// Server checks of Freepik upscaler parameters.
import * as v from "valibot";
import { plainParams, remoteFile } from "./parse-params.js";

/** `freepik.image-upscaler` */
export const freepikImageUpscalerParams = plainParams(v.looseObject({ image: remoteFile }));
