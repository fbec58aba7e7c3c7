// The SDK as users run it: the built package (dist), typed from the sources.
// A plain import would resolve `tamar-model-client` to src through the
// tsconfig paths that tsx honours.
import type * as Tamar from "tamar-model-client";

const entry = new URL("../dist/index.js", import.meta.url);

/** The module at `dist/index.js` (run `npm run build` first). */
export const tamar: typeof Tamar = await import(entry.href);
export const clientEntryPath = entry.pathname;

// Internal pieces of the client's own middleware chain, not exported by the
// package, from the same build (so the in-process rows and the ladder measure
// what createModelClient installs).
type AttemptMetadata = typeof import("../src/client/middleware/attempt-metadata.js");
type Jwt = typeof import("../src/client/middleware/jwt.js");
type Abort = typeof import("../src/client/middleware/abort.js");
const internal = async <T>(path: string): Promise<T> => (await import(new URL(`../dist/client/${path}`, import.meta.url).href)) as T;

/** `createAttemptMetadataMiddleware`, `createAuthorization` and `callController` of the built client. */
export const chainInternals = {
  ...(await internal<AttemptMetadata>("middleware/attempt-metadata.js")),
  ...(await internal<Pick<Jwt, "createAuthorization">>("middleware/jwt.js")),
  ...(await internal<Pick<Abort, "callController">>("middleware/abort.js")),
};
