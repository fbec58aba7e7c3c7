/**
 * True for the error an aborted operation throws: a DOMException, nice-grpc's
 * (abort-controller-x's) AbortError, or any library's error named so. Client
 * and server read it the same way.
 */
export function isAbortError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}
