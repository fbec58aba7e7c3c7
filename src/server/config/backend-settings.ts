/**
 * Provider credentials and base URLs, read from the environment under each
 * official SDK's own variable names, so an existing `.env` keeps working.
 */
import type { Env } from "../../internal/env-file.js";
import type { SdkBackend } from "../providers/provider.js";
import { ModelServerConfigError } from "./config-error.js";

export type { Env };

export interface OpenAISettings {
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  readonly organization: string | undefined;
  readonly project: string | undefined;
}
export interface AzureSettings {
  readonly apiKey: string;
  readonly endpoint: string;
  readonly apiVersion: string;
}
export interface GoogleAIStudioSettings {
  readonly apiKey: string;
  readonly baseUrl: string | undefined;
}
export interface GoogleVertexSettings {
  readonly project: string;
  readonly location: string;
  readonly baseUrl: string | undefined;
}
export interface AnthropicSettings {
  /** Exactly one of apiKey / authToken is set. */
  readonly apiKey: string | undefined;
  readonly authToken: string | undefined;
  readonly baseURL: string | undefined;
}

/** Settings of every configured backend; a missing key means "not configured". */
export interface BackendSettings {
  readonly openai?: OpenAISettings;
  readonly azure?: AzureSettings;
  readonly "google-ai-studio"?: GoogleAIStudioSettings;
  readonly "google-vertex"?: GoogleVertexSettings;
  readonly anthropic?: AnthropicSettings;
}

/** What to set to configure each backend, for error messages and the README. */
export const BACKEND_REQUIREMENTS: Readonly<Record<SdkBackend, string>> = {
  openai: "OPENAI_API_KEY (optional: OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID)",
  azure: "AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and OPENAI_API_VERSION",
  "google-ai-studio": "GEMINI_API_KEY or GOOGLE_API_KEY (optional: GOOGLE_GEMINI_BASE_URL)",
  "google-vertex":
    "GOOGLE_CLOUD_PROJECT (optional: GOOGLE_CLOUD_LOCATION, GOOGLE_VERTEX_BASE_URL; credentials from Application Default Credentials)",
  anthropic: "ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN (optional: ANTHROPIC_BASE_URL)",
  "anthropic-openai": "ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN (optional: ANTHROPIC_BASE_URL)",
};

/** Reads the backends' settings; a half-configured backend is a config error. */
export function readBackendSettings(env: Env): BackendSettings {
  const value = (name: string) => {
    const text = env[name]?.trim();
    return text ? text : undefined;
  };
  const url = (name: string) => {
    const text = value(name);
    if (text !== undefined && !URL.canParse(text)) {
      throw new ModelServerConfigError(name, `${name} must be an absolute URL, got "${text}"`);
    }
    return text;
  };
  const settings: {
    -readonly [K in keyof BackendSettings]: BackendSettings[K];
  } = {};

  const openAIKey = value("OPENAI_API_KEY");
  if (openAIKey) {
    settings.openai = {
      apiKey: openAIKey,
      baseURL: url("OPENAI_BASE_URL"),
      organization: value("OPENAI_ORG_ID"),
      project: value("OPENAI_PROJECT_ID"),
    };
  }

  const azure = { AZURE_OPENAI_API_KEY: value("AZURE_OPENAI_API_KEY"), AZURE_OPENAI_ENDPOINT: url("AZURE_OPENAI_ENDPOINT"), OPENAI_API_VERSION: value("OPENAI_API_VERSION") };
  const azureMissing = Object.entries(azure).filter(([, text]) => text === undefined).map(([name]) => name);
  // OPENAI_API_VERSION alone does not start an Azure set-up; the key or endpoint does.
  if (azure.AZURE_OPENAI_API_KEY || azure.AZURE_OPENAI_ENDPOINT) {
    if (azureMissing.length > 0) {
      throw new ModelServerConfigError(
        azureMissing[0] ?? "AZURE_OPENAI_API_KEY",
        `Azure OpenAI is half configured: ${azureMissing.join(", ")} ${azureMissing.length > 1 ? "are" : "is"} missing (it needs ${BACKEND_REQUIREMENTS.azure})`,
      );
    }
    settings.azure = {
      apiKey: azure.AZURE_OPENAI_API_KEY as string,
      endpoint: azure.AZURE_OPENAI_ENDPOINT as string,
      apiVersion: azure.OPENAI_API_VERSION as string,
    };
  }

  const googleKey = value("GOOGLE_API_KEY") ?? value("GEMINI_API_KEY");
  if (googleKey) settings["google-ai-studio"] = { apiKey: googleKey, baseUrl: url("GOOGLE_GEMINI_BASE_URL") };

  const project = value("GOOGLE_CLOUD_PROJECT");
  if (project) {
    settings["google-vertex"] = {
      project,
      location: value("GOOGLE_CLOUD_LOCATION") ?? "global",
      baseUrl: url("GOOGLE_VERTEX_BASE_URL"),
    };
  }

  const anthropicKey = value("ANTHROPIC_API_KEY");
  const anthropicToken = anthropicKey ? undefined : value("ANTHROPIC_AUTH_TOKEN");
  if (anthropicKey || anthropicToken) {
    settings.anthropic = { apiKey: anthropicKey, authToken: anthropicToken, baseURL: url("ANTHROPIC_BASE_URL") };
  }
  return settings;
}

/** Every credential value in the settings, so logs and errors can redact them. */
export function credentialValues(settings: BackendSettings): string[] {
  return [
    settings.openai?.apiKey,
    settings.azure?.apiKey,
    settings["google-ai-studio"]?.apiKey,
    settings.anthropic?.apiKey,
    settings.anthropic?.authToken,
  ].filter((text): text is string => text !== undefined);
}
