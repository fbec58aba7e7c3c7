import * as v from "valibot";
import { asRequestSchema, type RequestSchema } from "./request-schema.js";
import { RemoteFileSchema } from "./binary-input.js";
import { nonEmptyString, optionalBoolean, optionalInteger, optionalString } from "./fields.js";

/** One item of a Seedance `content` list (the Python SDK's `ContentItem`): a text prompt or an image. */
const SeedanceContentItemSchema = v.variant("type", [
  v.strictObject({ type: v.literal("text"), text: nonEmptyString }),
  v.strictObject({
    type: v.literal("image_url"),
    image_url: v.strictObject({ url: RemoteFileSchema }),
    role: v.nullish(v.picklist(["first_frame", "last_frame", "reference_image"])),
  }),
]);

/**
 * Parameters of BytePlus / Doubao video generation: the union of the Python
 * SDK's `BytePlusOmniHumanVideoInput` (channel `omnihuman`: a portrait and an
 * audio track) and `BytePlusSeeDANCEInput` (channel `seedance`: a `content`
 * list), none required, as there.
 */
const BytePlusVideoGenerationEntries = {
  model: optionalString,
  // Seedance
  content: v.nullish(v.pipe(v.array(SeedanceContentItemSchema), v.minLength(1, "needs at least one item"))),
  return_last_frame: optionalBoolean,
  // OmniHuman
  image_url: v.nullish(RemoteFileSchema),
  audio_url: v.nullish(RemoteFileSchema),
  prompt: optionalString,
  seed: optionalInteger,
};

const bytePlusVideoGenerationSchema = asRequestSchema(v.strictObject(BytePlusVideoGenerationEntries));

type BytePlusVideoGenerationInput = v.InferInput<typeof bytePlusVideoGenerationSchema>;

/** BytePlus video parameters as a request carries them, besides the routing fields (provider, invokeType, channel, userContext). */
export type BytePlusVideoGenerationParams = { [K in keyof BytePlusVideoGenerationInput]: BytePlusVideoGenerationInput[K] };

/** BytePlus video parameters on their own. */
export const BytePlusVideoGenerationSchema: RequestSchema<BytePlusVideoGenerationParams> = bytePlusVideoGenerationSchema;
