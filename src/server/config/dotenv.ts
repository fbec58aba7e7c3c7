import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import type { Env } from "./backend-settings.js";
import { ModelServerConfigError } from "./config-error.js";

/**
 * `process.env` over the `.env` file of `directory`, as the client reads it:
 * a variable already set is never overridden by the file.
 */
export function environmentWithDotEnv(directory = process.cwd(), env: Env = process.env): Env {
  const path = join(directory, ".env");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return env;
    throw new ModelServerConfigError(".env", `cannot read ${path}: ${(error as Error).message}`);
  }
  return { ...parseEnv(text), ...definedOnly(env) };
}

function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
