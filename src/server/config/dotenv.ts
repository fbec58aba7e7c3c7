import { join } from "node:path";
import { withEnvFile } from "../../internal/env-file.js";
import type { Env } from "./backend-settings.js";
import { ModelServerConfigError } from "./config-error.js";

/**
 * `process.env` over the `.env` file of `directory`, as the client reads it:
 * a variable already set is never overridden by the file.
 */
export function environmentWithDotEnv(directory = process.cwd(), env: Env = process.env): Env {
  const path = join(directory, ".env");
  try {
    return withEnvFile(path, env, true);
  } catch (error) {
    throw new ModelServerConfigError(".env", `cannot read ${path}: ${(error as Error).message}`);
  }
}
