import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and README examples import the package by name, as users do; run
    // them against the sources so `npm test` needs no build first.
    alias: [
      { find: /^tamar-model-client\/server$/, replacement: fromRoot("./src/server/index.ts") },
      { find: /^tamar-model-client\/middleware$/, replacement: fromRoot("./src/middleware.ts") },
      { find: /^tamar-model-client$/, replacement: fromRoot("./src/index.ts") },
    ],
  },
  test: {
    // Tests connect over TLS to 127.0.0.1 without a certificate name on
    // purpose (that failure is what they check); grpc-js then sets the TLS
    // ServerName to the IP, which Node.js deprecates (DEP0123) on every run.
    execArgv: ["--disable-warning=DEP0123"],
    // @google/genai announces the deprecation of generateImages on each call
    // of it; the reference server serves that API on purpose (Imagen).
    onConsoleLog: (log) => !log.includes("The generateImages method is deprecated"),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: "default",
          include: ["test/**/*.test.ts"],
          // `*.test-d.ts` files hold type expectations; `npm test` type-checks them
          // (a @ts-expect-error that no longer errors fails the run).
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      },
      {
        // The reliability stack's tests once more on nice-grpc's chain (a
        // client with a middleware of the user's); by default they run on
        // the fused layer (test/reliability/helpers/stack.ts). Arrays of a
        // project extend the root's, so `include` is set per project.
        extends: true,
        test: {
          name: "reliability on the chain path",
          include: ["test/reliability/{abort,bounds,close,exactly-once,message-too-large,stall-deadline,stream-faults}.test.ts"],
          env: { TAMAR_TEST_CLIENT_PATH: "chain" },
        },
      },
    ],
  },
});
