import { Channel, type ChannelOptions, ChannelCredentials } from "nice-grpc";
import type { ClientSettings } from "../config.js";

const bytes = (pem: string | Uint8Array | undefined) =>
  pem === undefined ? null : typeof pem === "string" ? Buffer.from(pem) : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength);

/**
 * The one grpc-js channel of a client. grpc-js connects lazily, on the first
 * call; the options below are the client's defaults, `extra` wins.
 */
export function createGrpcChannel(settings: ClientSettings, extra: ChannelOptions = {}): Channel {
  const { tls } = settings;
  const credentials = settings.useTls
    ? ChannelCredentials.createSsl(bytes(tls.ca), bytes(tls.key), bytes(tls.cert))
    : ChannelCredentials.createInsecure();
  const options: ChannelOptions = {
    // Python gRPC servers answer pings more frequent than every 5 minutes with
    // GOAWAY (too_many_pings); idle connections are not pinged at all.
    "grpc.keepalive_time_ms": settings.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": 20_000,
    "grpc.keepalive_permit_without_calls": 0,
    "grpc.max_send_message_length": settings.maxMessageBytes,
    "grpc.max_receive_message_length": settings.maxMessageBytes,
  };
  // As grpcio does, the authority is also the name the server's certificate
  // must hold: an address by IP or load-balancer name, authority = the service.
  const authority = settings.defaultAuthority || tls.serverName;
  const certificateName = tls.serverName || (settings.defaultAuthority && hostOf(settings.defaultAuthority));
  if (authority) options["grpc.default_authority"] = authority;
  if (settings.useTls && certificateName) options["grpc.ssl_target_name_override"] = certificateName;
  return new Channel(settings.address, credentials, { ...options, ...extra });
}

/** The host of an authority (`models.internal:443` → `models.internal`, `[::1]:443` → `::1`). */
export function hostOf(authority: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(authority);
  if (bracketed) return bracketed[1]!;
  const colon = authority.lastIndexOf(":");
  return colon !== -1 && authority.indexOf(":") === colon ? authority.slice(0, colon) : authority;
}
