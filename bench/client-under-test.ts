// The SDK as users run it: the built package (dist), typed from the sources.
// A plain import would resolve `tamar-model-client` to src through the
// tsconfig paths that tsx honours.
import type * as Tamar from "tamar-model-client";

const entry = new URL("../dist/index.js", import.meta.url);

/** The module at `dist/index.js` (run `npm run build` first). */
export const tamar: typeof Tamar = await import(entry.href);
export const clientEntryPath = entry.pathname;
