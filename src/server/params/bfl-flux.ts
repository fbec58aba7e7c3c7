// Server checks of Black Forest Labs FLUX parameters.
import * as v from "valibot";
import { plainParams } from "./parse-params.js";

/** `bfl.flux` */
export const bflFluxParams = plainParams(v.looseObject({ prompt: v.pipe(v.string(), v.nonEmpty("must not be empty")) }));
