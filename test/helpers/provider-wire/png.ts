/** A 1×1 PNG, as providers return images (base64) and as users upload them. */
export const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const PNG = Buffer.from(PNG_B64, "base64");
