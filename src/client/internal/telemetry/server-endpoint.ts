/**
 * `server.address` / `server.port` of a grpc-js target: `host:port`,
 * `[v6]:port`, `dns:///host:port`, `unix:/path`.
 */
export function serverEndpoint(target: string): { address: string; port?: number } {
  if (target.startsWith("unix:")) return { address: target.replace(/^unix:(\/\/)?/, "") };
  const hostPort = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*\//i, "");
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!match) return { address: hostPort };
  return match[2] === undefined ? { address: match[1]! } : { address: match[1]!, port: Number(match[2]) };
}
