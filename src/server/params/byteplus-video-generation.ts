// Server checks of BytePlus / Doubao video parameters (OmniHuman, Seedance): none required.
import * as v from "valibot";
import { plainParams } from "./parse-params.js";

/** `byteplus.video-generation` */
export const bytePlusVideoGenerationParams = plainParams(v.looseObject({ content: v.optional(v.nullable(v.array(v.looseObject({ type: v.string() })))) }));
