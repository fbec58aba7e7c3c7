// The server address, checked when the client is made: grpc-js would accept
// `http://host:port` or `host` alone and only fail (or pick port 443) on
// the first call, far from the setting that caused it.
import { ConfigurationError } from "./errors.js";

// grpc-js name resolvers whose targets are not `host:port`.
const PATH_SCHEMES = ["unix:", "unix-abstract:", "vsock:"];

function fail(where: string, address: string, why: string): never {
  throw new ConfigurationError(`Invalid ${where}: ${why}, got ${JSON.stringify(address)}`);
}

// `host:port` or `[ipv6]:port`, with a port from 1 to 65535.
function checkHostPort(hostPort: string, where: string, address: string): HostPort {
  const bracketed = /^\[([0-9A-Fa-f:.%\w]+)\](?::(.*))?$/.exec(hostPort);
  let host: string;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else {
    const colon = hostPort.lastIndexOf(":");
    if (colon !== -1 && hostPort.indexOf(":") !== colon) {
      fail(where, address, "an IPv6 address needs brackets, e.g. [::1]:50051");
    }
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    port = colon === -1 ? undefined : hostPort.slice(colon + 1);
  }
  if (host === "") fail(where, address, "the host is missing (expected host:port, e.g. 127.0.0.1:50051)");
  if (port === undefined) fail(where, address, `the port is missing (expected ${host}:PORT)`);
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535) {
    fail(where, address, `the port must be a number from 1 to 65535`);
  }
  return { host, port: Number(port) };
}

/** One server of an address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Checks a grpc-js target: `host:port`, `[ipv6]:port`, `dns:[//authority/]host:port`,
 * `ipv4:` / `ipv6:` lists, `unix:` paths. A URL (`http://…`), a missing or
 * out-of-range port is a ConfigurationError naming `where`.
 */
export function checkAddress(address: string, where: string): void {
  serverOf(address, where);
}

/**
 * The server an address names when it names exactly one by host and port
 * (`host:port`, `[ipv6]:port`, `dns:…host:port`), else undefined. Throws like
 * {@link checkAddress} for an invalid address.
 */
export function serverOf(address: string, where = "address"): HostPort | undefined {
  if (/\s/.test(address)) fail(where, address, "an address has no spaces");
  for (const scheme of PATH_SCHEMES) {
    if (address.startsWith(scheme)) {
      if (address.length === scheme.length) fail(where, address, `${scheme} needs a path`);
      return undefined;
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address)?.[1]?.toLowerCase();
  if (scheme === "ipv4" || scheme === "ipv6") {
    const list = address.slice(scheme.length + 1);
    if (list === "") fail(where, address, `${scheme}: needs a list of addresses`);
    const servers = list.split(",").map((part) => checkHostPort(part, where, address));
    return servers.length === 1 ? servers[0] : undefined;
  }
  if (scheme === "dns") {
    // dns:host:port, dns:///host:port or dns://resolver/host:port
    const rest = address.slice(4);
    const target = rest.startsWith("//") ? rest.slice(rest.indexOf("/", 2) + 1 || rest.length) : rest;
    return checkHostPort(target, where, address);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    fail(
      where,
      address,
      "a gRPC address is host:port, not a URL (drop the scheme; TLS is MODEL_MANAGER_SERVER_GRPC_USE_TLS / the useTls option)",
    );
  }
  return checkHostPort(address, where, address);
}
