import type { KeyObject } from "node:crypto";
import { type CallOptions, type ClientMiddleware, type ClientMiddlewareCall, Metadata } from "nice-grpc-common";
import { extend } from "../internal/extend.js";
import { hs256Key, signHs256Jwt } from "../internal/hs256-jwt.js";
import { startNow } from "../internal/start-now.js";

/** Settings of {@link createJwtMiddleware}. */
export interface JwtMiddlewareSettings {
  /** Shared HS256 secret: a token is signed per tenant (`org_id`, `user_id`). */
  secretKey?: string | Uint8Array | undefined;
  /** A ready-made token, sent as given (used when no `secretKey`). */
  token?: string | undefined;
  /** Lifetime of a signed token, seconds. Default 3600. */
  expiresInSeconds?: number | undefined;
  /** A cached token is re-signed this many seconds before it expires. Default 60. */
  refreshBeforeSeconds?: number | undefined;
  /** Most tokens kept (one per tenant); the oldest goes first. Default 1000. */
  maxCachedTokens?: number | undefined;
}

/** Who a token is for; read from each call. */
export interface JwtClaimsSource {
  orgId: string;
  userId: string;
}

/** Call options read by the JWT middleware. */
export interface JwtCallOptions {
  /** The tenant to sign for; else the request's own `orgId` / `userId` (Invoke, or a batch's first item). */
  userContext?: JwtClaimsSource;
}

interface CachedToken {
  header: string;
  refreshAt: number;
}

function claimsOf(request: unknown, options: JwtCallOptions): JwtClaimsSource {
  if (options.userContext) return options.userContext;
  const item = ((request as { items?: unknown[] }).items?.[0] ?? request) as Partial<JwtClaimsSource>;
  return { orgId: item.orgId ?? "", userId: item.userId ?? "" };
}

/**
 * The `authorization` header of a call: a cached or freshly signed token, or
 * undefined when there is nothing to send (no credentials, or an
 * `authorization` already in the call's metadata).
 */
export type Authorization = string | undefined;

/**
 * The `authorization` of each call, as {@link createJwtMiddleware} sends it:
 * with a `secretKey`, a token per tenant, signed once and cached; else the
 * static `token`. Shared by that middleware and the client's
 * attempt-metadata middleware.
 */
export function createAuthorization(settings: JwtMiddlewareSettings): (request: unknown, options: CallOptions & JwtCallOptions) => Authorization {
  const { secretKey, token, expiresInSeconds = 3600, refreshBeforeSeconds = 60, maxCachedTokens = 1000 } = settings;
  const cache = new Map<string, CachedToken>();
  let key: KeyObject | undefined;

  function sign(claims: JwtClaimsSource, cacheKey: string): string {
    key ??= hs256Key(secretKey!);
    const issuedAt = Math.floor(Date.now() / 1000);
    const jwt = signHs256Jwt({ org_id: claims.orgId, user_id: claims.userId, iat: issuedAt, exp: issuedAt + expiresInSeconds }, key);
    if (cache.size >= maxCachedTokens) cache.delete(cache.keys().next().value!);
    const header = `Bearer ${jwt}`;
    cache.set(cacheKey, { header, refreshAt: (issuedAt + expiresInSeconds - refreshBeforeSeconds) * 1000 });
    return header;
  }

  function signed(claims: JwtClaimsSource): string {
    // An unambiguous key: with a separator, ("a\0b", "c") and ("a", "b\0c") would share one tenant's token.
    const cacheKey = JSON.stringify([claims.orgId, claims.userId]);
    const cached = cache.get(cacheKey);
    return cached && Date.now() < cached.refreshAt ? cached.header : sign(claims, cacheKey);
  }

  const staticHeader = token ? `Bearer ${token}` : undefined;
  return (request, options) => {
    if (options.metadata?.has("authorization") || (!secretKey && !staticHeader)) return undefined;
    return secretKey ? signed(claimsOf(request, options)) : staticHeader;
  };
}

/**
 * Calls the next layer with `options`, whose `metadata` is `metadata` (a
 * copy owned by the caller), with `header` set in it.
 */
export function sendAuthorized<Request, Response>(
  call: ClientMiddlewareCall<Request, Response>,
  options: CallOptions,
  metadata: Metadata,
  header: Authorization,
) {
  if (header !== undefined) metadata.set("authorization", header);
  return call.next(call.request, options);
}

/**
 * Sends `authorization: Bearer <JWT>`. With a `secretKey`, the token is
 * HS256-signed over `{org_id, user_id, iat, exp}` of **each call's** tenant,
 * cached per tenant and re-signed shortly before expiry, so a steady stream
 * of calls signs nothing; the key is imported once. With only a `token`, that
 * token is sent as given. An `authorization` already in the call's metadata
 * is left alone.
 */
export function createJwtMiddleware(settings: JwtMiddlewareSettings): ClientMiddleware<JwtCallOptions> {
  const authorizationOf = createAuthorization(settings);
  return (call, options) =>
    startNow(() => {
      const { userContext, ...rest } = options;
      const header = authorizationOf(call.request, options);
      if (header === undefined) return call.next(call.request, rest);
      const metadata = Metadata(options.metadata);
      return sendAuthorized(call, extend(rest, { metadata }), metadata, header);
    });
}
