import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * `env` over the variables of the `.env`-style file at `path`, as client and
 * server both read one: a variable already set in `env` is never overridden
 * by the file (one set to `undefined` counts as unset). A missing file gives
 * `env` as it is when `missingOk`; any other read failure is thrown as the
 * file system's error, for the caller to word.
 */
export function withEnvFile(path: string, env: Env, missingOk: boolean): Env {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (missingOk && (error as { code?: unknown }).code === "ENOENT") return env;
    throw error;
  }
  const merged: Record<string, string | undefined> = parseEnv(text);
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}
