// Server checks of the fal.ai models' parameters: what each one requires
// (the Python SDK 0.5 case table), the rest passed as sent.
import * as v from "valibot";
import { modelName, plainParams, remoteFile } from "./parse-params.js";

const prompt = v.pipe(v.string(), v.nonEmpty("must not be empty"));
const imageUrls = v.pipe(v.array(remoteFile), v.minLength(1, "must not be empty"));

/** `fal.z-image` */
export const falZImageParams = plainParams(v.looseObject({ model: modelName, prompt }));
/** `fal.sam-3-image` */
export const falSam3ImageParams = plainParams(v.looseObject({ model: modelName }));
/** `fal.sam-3-video` */
export const falSam3VideoParams = plainParams(v.looseObject({ model: modelName }));
/** `fal.qwen-image-edit` */
export const falQwenImageEditParams = plainParams(v.looseObject({ image_urls: imageUrls }));
/** `fal.qwen-image-edit-multi-angle` */
export const falQwenImageEditMultiAngleParams = plainParams(v.looseObject({ image_urls: imageUrls }));
/** `fal.qwen-image-layered` */
export const falQwenImageLayeredParams = plainParams(v.looseObject({ prompt, image_url: remoteFile }));
/** `fal.wan-video-replace` */
export const falWanVideoReplaceParams = plainParams(v.looseObject({ video_url: remoteFile, image_url: remoteFile }));
/** `fal.kling-video` */
export const falKlingVideoParams = plainParams(v.looseObject({ model: modelName, prompt }));
