/**
 * Provider SDKs are optional peer dependencies: a client-only install has
 * none, and the server loads one only when a route needs it.
 */
import { ProviderSetupError } from "./provider-setup-error.js";

/** Loads a package by name; `import()` unless a test injects another. */
export type ImportModule = (specifier: string) => Promise<unknown>;

export const importPackage: ImportModule = (specifier) => import(specifier);

/**
 * Loads `packageName` once and keeps it. A missing package is a
 * ProviderSetupError that names it and the install command.
 */
export function lazySdk<Module>(importModule: ImportModule, packageName: string, backend: string): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => {
    loading ??= (importModule(packageName) as Promise<Module>).catch((error: unknown) => {
      loading = undefined;
      throw new ProviderSetupError(
        isModuleNotFound(error)
          ? `the ${backend} provider needs the optional package "${packageName}", which is not installed: run \`npm install ${packageName}\` next to the server`
          : `the ${backend} provider could not load "${packageName}": ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    return loading;
  };
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}
