/**
 * A setting of the server is missing or wrong. Thrown at start-up, before the
 * server listens; `setting` names the option, flag or environment variable.
 */
export class ModelServerConfigError extends Error {
  override readonly name = "ModelServerConfigError";

  /** The option, flag or environment variable at fault, e.g. `port` or `OPENAI_BASE_URL`. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.setting = setting;
  }
}
