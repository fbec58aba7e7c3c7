// Parameters of the fal.ai models the Python SDK 0.5 names, spelled as fal's
// HTTP API spells them. `model` is the fal endpoint id (e.g.
// "fal-ai/z-image/turbo"); image inputs are URLs or Tamar `{ file_id }`s.
import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { RemoteFileSchema } from "./binary-input.js";
import { identifier, nonEmptyString, optionalBoolean, optionalInteger, optionalNumber, optionalOneOf, optionalString } from "./fields.js";

const imageUrls = v.pipe(v.array(RemoteFileSchema), v.minLength(1, "needs at least one image"));

/** A preset image size, or `{ width, height }` (the Python SDK's `ImageSizeCustom`). */
const FalImageSizeSchema = v.nullish(
  v.union([
    v.picklist(["square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9"]),
    v.strictObject({ width: v.pipe(v.number(), v.integer()), height: v.pipe(v.number(), v.integer()) }),
  ]),
);

/** A LoRA weight (the Python SDK's `LoRAInput`). */
const FalLoraSchema = v.strictObject({ path: nonEmptyString, scale: optionalNumber });

const outputFormat = optionalOneOf(["png", "jpeg", "webp"]);

/** Fields most fal image models share. */
const falImageCommon = {
  seed: optionalInteger,
  num_images: optionalInteger,
  num_inference_steps: optionalInteger,
  guidance_scale: optionalNumber,
  negative_prompt: optionalString,
  enable_safety_checker: optionalBoolean,
  output_format: outputFormat,
  sync_mode: optionalBoolean,
};

/** Z-Image (`fal-ai` + `image-generation`, the Python SDK's `FalAIZImageInput`). */
const FalZImageEntries = {
  model: identifier,
  prompt: nonEmptyString,
  image_size: FalImageSizeSchema,
  loras: v.nullish(v.array(FalLoraSchema)),
  acceleration: optionalOneOf(["none", "regular", "high"]),
  ...falImageCommon,
};

/** A point prompt of SAM 3: `label` 1 marks the object, 0 the background. */
const Sam3PointPromptSchema = v.strictObject({
  x: v.number(),
  y: v.number(),
  label: v.picklist([0, 1]),
  object_id: optionalInteger,
  frame_index: optionalInteger,
});

/** A box prompt of SAM 3, in pixels. */
const Sam3BoxPromptSchema = v.strictObject({
  x_min: v.number(),
  y_min: v.number(),
  x_max: v.number(),
  y_max: v.number(),
  object_id: optionalInteger,
  frame_index: optionalInteger,
});

const sam3Common = {
  model: identifier,
  prompt: optionalString,
  point_prompts: v.nullish(v.array(Sam3PointPromptSchema)),
  box_prompts: v.nullish(v.array(Sam3BoxPromptSchema)),
  apply_mask: optionalBoolean,
  output_format: outputFormat,
  sync_mode: optionalBoolean,
};

/** SAM 3 on an image (`image-segmentation`). */
const FalSam3ImageEntries = {
  ...sam3Common,
  image_url: v.nullish(RemoteFileSchema),
  return_multiple_masks: optionalBoolean,
  max_masks: optionalInteger,
  include_scores: optionalBoolean,
  include_boxes: optionalBoolean,
};

/** SAM 3 on a video (`video-segmentation`). */
const FalSam3VideoEntries = {
  ...sam3Common,
  video_url: v.nullish(RemoteFileSchema),
};

/** Qwen image edit (`image-edit-generation`, the Python SDK's `FalAIQwenImageEditInput`). */
const FalQwenImageEditEntries = {
  model: v.nullish(identifier),
  image_urls: imageUrls,
  prompt: optionalString,
  image_size: FalImageSizeSchema,
  loras: v.nullish(v.array(FalLoraSchema)),
  acceleration: optionalOneOf(["none", "regular", "high"]),
  ...falImageCommon,
};

/** Qwen multiple angles (`image-edit-multi-angle`): the camera moves, the scene stays. */
const FalQwenImageEditMultiAngleEntries = {
  model: v.nullish(identifier),
  image_urls: imageUrls,
  rotate_right_left: optionalNumber,
  move_forward: optionalNumber,
  vertical_angle: optionalNumber,
  wide_angle_lens: optionalBoolean,
  lora_scale: optionalNumber,
  image_size: FalImageSizeSchema,
  ...falImageCommon,
};

/** Qwen layered (`image-layer-generation`): an image split into layers. */
const FalQwenImageLayeredEntries = {
  model: v.nullish(identifier),
  prompt: nonEmptyString,
  image_url: RemoteFileSchema,
  num_layers: optionalInteger,
  ...falImageCommon,
};

/** Wan replace (`video-edit-generation`): the person of a video replaced by the one of an image. */
const FalWanVideoReplaceEntries = {
  model: v.nullish(identifier),
  video_url: RemoteFileSchema,
  image_url: RemoteFileSchema,
  prompt: optionalString,
  resolution: optionalOneOf(["480p", "580p", "720p"]),
  seed: optionalInteger,
  num_inference_steps: optionalInteger,
  guidance_scale: optionalNumber,
  shift: optionalNumber,
  enable_safety_checker: optionalBoolean,
};

/** Kling video (`video-generation`): text to video, or image to video with `image_url`. */
const FalKlingVideoEntries = {
  model: identifier,
  prompt: nonEmptyString,
  image_url: v.nullish(RemoteFileSchema),
  tail_image_url: v.nullish(RemoteFileSchema),
  duration: optionalOneOf(["5", "10"]),
  aspect_ratio: optionalOneOf(["16:9", "9:16", "1:1"]),
  negative_prompt: optionalString,
  cfg_scale: optionalNumber,
};

const falZImageSchema = asRequestSchema(v.strictObject(FalZImageEntries));

type FalZImageInput = v.InferInput<typeof falZImageSchema>;

/** Z-Image (`fal-ai` + `image-generation`, the Python SDK's `FalAIZImageInput`). Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalZImageParams = { [K in keyof FalZImageInput]: FalZImageInput[K] };

/** Z-Image (`fal-ai` + `image-generation`, the Python SDK's `FalAIZImageInput`). */
export const FalZImageSchema: RequestSchema<FalZImageParams> = falZImageSchema;

const falSam3ImageSchema = asRequestSchema(v.strictObject(FalSam3ImageEntries));

type FalSam3ImageInput = v.InferInput<typeof falSam3ImageSchema>;

/** SAM 3 on an image (`image-segmentation`). Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalSam3ImageParams = { [K in keyof FalSam3ImageInput]: FalSam3ImageInput[K] };

/** SAM 3 on an image (`image-segmentation`). */
export const FalSam3ImageSchema: RequestSchema<FalSam3ImageParams> = falSam3ImageSchema;

const falSam3VideoSchema = asRequestSchema(v.strictObject(FalSam3VideoEntries));

type FalSam3VideoInput = v.InferInput<typeof falSam3VideoSchema>;

/** SAM 3 on a video (`video-segmentation`). Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalSam3VideoParams = { [K in keyof FalSam3VideoInput]: FalSam3VideoInput[K] };

/** SAM 3 on a video (`video-segmentation`). */
export const FalSam3VideoSchema: RequestSchema<FalSam3VideoParams> = falSam3VideoSchema;

const falQwenImageEditSchema = asRequestSchema(v.strictObject(FalQwenImageEditEntries));

type FalQwenImageEditInput = v.InferInput<typeof falQwenImageEditSchema>;

/** Qwen image edit (`image-edit-generation`, the Python SDK's `FalAIQwenImageEditInput`). Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalQwenImageEditParams = { [K in keyof FalQwenImageEditInput]: FalQwenImageEditInput[K] };

/** Qwen image edit (`image-edit-generation`, the Python SDK's `FalAIQwenImageEditInput`). */
export const FalQwenImageEditSchema: RequestSchema<FalQwenImageEditParams> = falQwenImageEditSchema;

const falQwenImageEditMultiAngleSchema = asRequestSchema(v.strictObject(FalQwenImageEditMultiAngleEntries));

type FalQwenImageEditMultiAngleInput = v.InferInput<typeof falQwenImageEditMultiAngleSchema>;

/** Qwen multiple angles (`image-edit-multi-angle`): the camera moves, the scene stays. Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalQwenImageEditMultiAngleParams = { [K in keyof FalQwenImageEditMultiAngleInput]: FalQwenImageEditMultiAngleInput[K] };

/** Qwen multiple angles (`image-edit-multi-angle`): the camera moves, the scene stays. */
export const FalQwenImageEditMultiAngleSchema: RequestSchema<FalQwenImageEditMultiAngleParams> = falQwenImageEditMultiAngleSchema;

const falQwenImageLayeredSchema = asRequestSchema(v.strictObject(FalQwenImageLayeredEntries));

type FalQwenImageLayeredInput = v.InferInput<typeof falQwenImageLayeredSchema>;

/** Qwen layered (`image-layer-generation`): an image split into layers. Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalQwenImageLayeredParams = { [K in keyof FalQwenImageLayeredInput]: FalQwenImageLayeredInput[K] };

/** Qwen layered (`image-layer-generation`): an image split into layers. */
export const FalQwenImageLayeredSchema: RequestSchema<FalQwenImageLayeredParams> = falQwenImageLayeredSchema;

const falWanVideoReplaceSchema = asRequestSchema(v.strictObject(FalWanVideoReplaceEntries));

type FalWanVideoReplaceInput = v.InferInput<typeof falWanVideoReplaceSchema>;

/** Wan replace (`video-edit-generation`): the person of a video replaced by the one of an image. Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalWanVideoReplaceParams = { [K in keyof FalWanVideoReplaceInput]: FalWanVideoReplaceInput[K] };

/** Wan replace (`video-edit-generation`): the person of a video replaced by the one of an image. */
export const FalWanVideoReplaceSchema: RequestSchema<FalWanVideoReplaceParams> = falWanVideoReplaceSchema;

const falKlingVideoSchema = asRequestSchema(v.strictObject(FalKlingVideoEntries));

type FalKlingVideoInput = v.InferInput<typeof falKlingVideoSchema>;

/** Kling video (`video-generation`): text to video, or image to video with `image_url`. Its parameters, besides the routing fields (provider, invokeType, channel, userContext). */
export type FalKlingVideoParams = { [K in keyof FalKlingVideoInput]: FalKlingVideoInput[K] };

/** Kling video (`video-generation`): text to video, or image to video with `image_url`. */
export const FalKlingVideoSchema: RequestSchema<FalKlingVideoParams> = falKlingVideoSchema;
