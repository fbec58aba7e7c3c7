import { connect as tlsConnect } from "node:tls";
import { type CallOptions, type ClientMiddleware, type ClientMiddlewareCall, ClientError, Status } from "nice-grpc-common";
import type { HostPort } from "../address.js";
import { ConfigurationError, messageTooLarge } from "../errors.js";
import type { RequestIdOptions } from "./request-id.js";

/** What the connection checks need to know about the client's settings. */
export interface ConnectionFacts {
  readonly address: string;
  readonly useTls: boolean;
  /** The server, when the address names exactly one by host and port (to probe it). */
  readonly server: HostPort | undefined;
  /** The name the certificate was checked against when not the address's host, and the setting that chose it. */
  readonly certificateName: { readonly name: string; readonly setting: string } | undefined;
}

const USE_TLS = "MODEL_MANAGER_SERVER_GRPC_USE_TLS";
const AUTHORITY = "MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY";

// OpenSSL's words for a peer that answered a TLS ClientHello in plaintext (HTTP/2 settings).
const PLAINTEXT_PEER = /wrong version number|packet length too long|unknown protocol|record layer failure|http request/i;
const NAME_MISMATCH = /ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/;
// grpc-js's words when the peer closed the connection before HTTP/2 started.
const CLOSED_BEFORE_HTTP2 = /Last error: Failed to connect/;

/**
 * Turns a connection that fails because of a setting into a ConfigurationError
 * that names the setting to change, instead of an UnavailableError retried
 * for seconds: TLS against a plaintext server (or the reverse), and a server
 * certificate that does not hold the name the client checks. Runs inside the
 * retry middlewares, once per attempt; the ConfigurationError is not a
 * ClientError, so it is never retried. Likewise a message over a size limit
 * (RESOURCE_EXHAUSTED, otherwise a retryable rate limit) becomes a
 * MessageTooLargeError: the same call would meet it again.
 */
export function createConnectionErrorsMiddleware(facts: ConnectionFacts): ClientMiddleware {
  return async function* connectionErrorsMiddleware<Request, Response>(
    call: ClientMiddlewareCall<Request, Response>,
    options: CallOptions & RequestIdOptions,
  ) {
    try {
      return yield* call.next(call.request, options);
    } catch (error) {
      throw await settingErrorOf(error, facts, options.requestId, options.signal);
    }
  };
}

/**
 * What {@link createConnectionErrorsMiddleware} throws instead of `error`, an
 * attempt's failure: a ConfigurationError or MessageTooLargeError when a
 * setting caused it, else `error` itself.
 */
export async function settingErrorOf(error: unknown, facts: ConnectionFacts, requestId: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
  if (!(error instanceof ClientError)) return error;
  if (error.code === Status.RESOURCE_EXHAUSTED) return messageTooLarge(error.code, error.details, requestId, error) ?? error;
  if (error.code !== Status.UNAVAILABLE) return error;
  return (await diagnose(error, facts, signal)) ?? error;
}

async function diagnose(error: ClientError, facts: ConnectionFacts, signal: AbortSignal | undefined): Promise<Error | undefined> {
  const { details } = error;
  const at = `the server at ${facts.address}`;
  if (facts.useTls && PLAINTEXT_PEER.test(details)) {
    return misconfigured(
      `${at} does not speak TLS (it answered the TLS handshake in plaintext): set ${USE_TLS}=false (option useTls: false)`,
      error,
    );
  }
  if (facts.useTls && NAME_MISMATCH.test(details)) {
    const reason = /Hostname\/IP does not match certificate's altnames: .*?(?=\. Resolution note|$)/s.exec(details)?.[0] ?? details;
    const fix = facts.certificateName
      ? `${facts.certificateName.setting} is ${JSON.stringify(facts.certificateName.name)}, which the certificate does not hold: set it to a name the certificate holds`
      : `set ${AUTHORITY} (option defaultAuthority) to the name the certificate holds, as with grpcio's grpc.default_authority`;
    return misconfigured(`the TLS certificate of ${at} is not valid for the name checked (${reason}): ${fix}`, error);
  }
  if (!facts.useTls && facts.server && CLOSED_BEFORE_HTTP2.test(details) && (await speaksTls(facts.server, signal))) {
    return misconfigured(`${at} speaks TLS and the client is in plaintext: set ${USE_TLS}=true (or leave it unset; TLS is the default)`, error);
  }
  return undefined;
}

function misconfigured(message: string, cause: ClientError): ConfigurationError {
  return new ConfigurationError(`Cannot connect: ${message}`, { code: Status.UNAVAILABLE, cause });
}

// A plaintext connection closed before HTTP/2 started is what a TLS server
// does to a plaintext client, and what a restarting one does too: one TLS
// handshake (certificate not checked; nothing is sent) tells them apart.
function speaksTls(server: HostPort, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const socket = tlsConnect({ host: server.host, port: server.port, rejectUnauthorized: false, ALPNProtocols: ["h2"] });
    const done = (result: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), 2_000).unref();
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("close", () => done(false));
  });
}
