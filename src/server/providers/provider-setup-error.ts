/**
 * This server is not set up for the call: a backend without credentials, a
 * provider SDK that is not installed. Thrown by providers and the registry,
 * which know nothing of gRPC; the service answers it as FAILED_PRECONDITION
 * (src/server/grpc/status-errors.ts), or as a batch item's in-band error.
 */
export class ProviderSetupError extends Error {
  override name = "ProviderSetupError";
}
