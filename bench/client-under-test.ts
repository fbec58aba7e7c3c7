// The SDK as users run it: the built package (dist), typed from the sources.
// A plain import would resolve `tamar-model-client` to src through the
// tsconfig paths that tsx honours.
import { existsSync } from "node:fs";
import type * as Tamar from "tamar-model-client";
import type * as TamarMiddleware from "tamar-model-client/middleware";

type WireDeadline = typeof import("../src/client/middleware/wire-deadline.js");

/** Both entries of one build, and the `grpcTimeout` header formatter the bare contender needs. */
export type Sdk = typeof Tamar & typeof TamarMiddleware & Pick<WireDeadline, "grpcTimeout">;

/**
 * The SDK of the build in `dist`: its root and middleware entries in one
 * object. Builds from before the middleware subpath exported everything from
 * the root, so they load as they are.
 */
export async function loadSdk(dist: URL): Promise<Sdk> {
  const root = await import(new URL("index.js", dist).href);
  const middlewareEntry = new URL("middleware.js", dist);
  if (!existsSync(middlewareEntry)) return root as Sdk;
  const wireDeadline = (await import(new URL("client/middleware/wire-deadline.js", modulesOf(dist)).href)) as WireDeadline;
  return { ...root, ...(await import(middlewareEntry.href)), grpcTimeout: wireDeadline.grpcTimeout } as Sdk;
}

/**
 * Where a build keeps each module on its own, for the internal pieces: dist/
 * itself for builds before the bundled entries, tsc's output beside it since.
 */
export function modulesOf(dist: URL): URL {
  return existsSync(new URL("client/model-client.js", dist)) ? dist : new URL("../build/tsc/", dist);
}

const dist = new URL("../dist/", import.meta.url);

/** The build at `dist/` (run `npm run build` first). */
export const tamar: Sdk = await loadSdk(dist);
export const clientEntryPath = new URL("index.js", dist).pathname;

// Internal pieces of the client's own middleware chain, not exported by the
// package, from the same build (so the in-process rows and the ladder measure
// what createModelClient installs).
type AttemptMetadata = typeof import("../src/client/middleware/attempt-metadata.js");
type Jwt = typeof import("../src/client/middleware/jwt.js");
type RequestWire = typeof import("../src/internal/request-wire.js");
const internal = async <T>(path: string): Promise<T> => (await import(new URL(path, modulesOf(dist)).href)) as T;

/** `createAttemptMetadataMiddleware`, `createAuthorization` and `encodeRequestItem` of the built client. */
export const chainInternals = {
  ...(await internal<AttemptMetadata>("client/middleware/attempt-metadata.js")),
  ...(await internal<Pick<Jwt, "createAuthorization">>("client/middleware/jwt.js")),
  // Builds from before the client wrote its own request bytes have none; the client kept them in client/internal/ at first.
  ...(await internal<Pick<RequestWire, "encodeRequestItem">>("internal/request-wire.js").catch(() =>
    internal<Pick<RequestWire, "encodeRequestItem">>("client/internal/request-wire.js").catch(() => ({ encodeRequestItem: undefined })),
  )),
};
