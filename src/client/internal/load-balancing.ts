// Several Model Manager replicas behind one client: a list of endpoints
// becomes one grpc-js target, and a target that can name several servers gets
// round robin with outlier detection from grpc-js's service config.
import { ConfigurationError } from "../errors.js";

/** How calls are spread over the servers an address names. */
export type LoadBalancingPolicy = "round_robin" | "pick_first";

// grpc-js resolver schemes: a target that starts with one is passed on as it is.
const SCHEME = /^(?:dns|ipv4|ipv6|unix|unix-abstract|vsock):/i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;

/**
 * The grpc-js target of an address option: a string as it is (a
 * comma-separated string is a list), a list of `ip:port` / `[ipv6]:port`
 * endpoints as an `ipv4:` / `ipv6:` target. grpc-js resolves one name per
 * target, so a list of host names is refused in favour of a `dns:///` name
 * that resolves to every replica (a Kubernetes headless service).
 */
export function targetOf(address: string | readonly string[], where: string): string {
  const isList = typeof address !== "string" || (address.includes(",") && !SCHEME.test(address));
  // Spaces after the commas of an environment value are only layout.
  const endpoints = isList ? (typeof address === "string" ? address.split(",").map((endpoint) => endpoint.trim()) : address) : [address as string];
  if (endpoints.length === 0 || endpoints.some((endpoint) => endpoint === "")) {
    throw new ConfigurationError(`Invalid ${where}: a list of endpoints needs at least one, and no empty ones, got ${JSON.stringify(address)}`);
  }
  if (endpoints.length === 1) return endpoints[0]!;
  if (endpoints.every((endpoint) => IPV4.test(endpoint))) return `ipv4:${endpoints.join(",")}`;
  if (endpoints.every((endpoint) => IPV6.test(endpoint))) return `ipv6:${endpoints.join(",")}`;
  throw new ConfigurationError(
    `Invalid ${where}: a list of endpoints must be all IPv4 (10.0.0.1:50051) or all IPv6 ([fd00::1]:50051) addresses; ` +
      `for host names use one dns:///name:port whose name resolves to every replica (e.g. a Kubernetes headless service), got ${JSON.stringify(address)}`,
  );
}

/** True when `target` may resolve to more than one server. */
export function namesSeveral(target: string): boolean {
  return /^dns:/i.test(target) || (/^ipv[46]:/i.test(target) && target.includes(","));
}

/**
 * Channel options of a policy. Round robin runs inside grpc-js's outlier
 * detection, which ejects a replica whose calls keep failing for a while. A
 * replica that went away and came back is reconnected within
 * `maxReconnectBackoffMs` (grpc-js's own default backoff grows to 120 s).
 */
export function loadBalancingChannelOptions(policy: LoadBalancingPolicy, maxReconnectBackoffMs: number): Record<string, string | number> {
  if (policy === "pick_first") return { "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ pick_first: {} }] }) };
  // grpc-js takes durations as { seconds, nanos } here, not "10s" strings.
  const seconds = (value: number) => ({ seconds: value, nanos: 0 });
  const outlierDetection = {
    interval: seconds(10),
    base_ejection_time: seconds(30),
    max_ejection_time: seconds(300),
    max_ejection_percent: 50,
    failure_percentage_ejection: { threshold: 50, enforcement_percentage: 100, minimum_hosts: 2, request_volume: 20 },
    child_policy: [{ round_robin: {} }],
  };
  return {
    "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ outlier_detection: outlierDetection }] }),
    "grpc.max_reconnect_backoff_ms": maxReconnectBackoffMs,
  };
}
