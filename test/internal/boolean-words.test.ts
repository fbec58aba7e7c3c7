// One set of boolean words for the client's and the server's environment
// variables: a `.env` shared by both means the same to each.
import { describe, expect, it } from "vitest";
import { createModelClient } from "tamar-model-client";
import { FALSE_WORDS, TRUE_WORDS } from "../../src/internal/boolean-words.js";
import { resolveServerConfig } from "../../src/server/config/server-config.js";

const clientUseTls = (word: string) => {
  const client = createModelClient({ env: { MODEL_MANAGER_SERVER_ADDRESS: "a:1", MODEL_MANAGER_SERVER_GRPC_USE_TLS: word }, envFile: false });
  void client.close();
  return client.settings.useTls;
};
const serverOffline = (word: string) =>
  resolveServerConfig({}, { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: "s", TAMAR_MODEL_SERVER_OFFLINE: word }).offline === "forced";

describe("boolean words", () => {
  it.each([...TRUE_WORDS.map((word) => [word, true] as const), ...FALSE_WORDS.map((word) => [word, false] as const)])(
    "%s means %s to the client and to the server, in any case",
    (word, meaning) => {
      for (const spelling of [word, word.toUpperCase()]) {
        expect(clientUseTls(spelling)).toBe(meaning);
        expect(serverOffline(spelling)).toBe(meaning);
      }
    },
  );

  it("the words include on/off and yes/no on both sides", () => {
    expect([...TRUE_WORDS, ...FALSE_WORDS].sort()).toEqual(["0", "1", "false", "no", "off", "on", "true", "yes"]);
  });

  it("anything else is refused by both, with the same list of words", () => {
    expect(() => clientUseTls("maybe")).toThrow(/MODEL_MANAGER_SERVER_GRPC_USE_TLS: expected true, 1, yes, on \/ false, 0, no, off, got "maybe"/);
    expect(() => serverOffline("maybe")).toThrow(/TAMAR_MODEL_SERVER_OFFLINE must be true, 1, yes, on \/ false, 0, no, off, got "maybe"/);
  });
});
