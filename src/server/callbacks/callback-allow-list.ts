/**
 * Which callback URLs the server may POST to. Nothing by default: a Model
 * Manager reachable by many tenants must not be made to send requests into
 * its own network (SSRF). Entries are origins, exact (`https://hooks.example.com`,
 * `http://127.0.0.1:9000`) or with a leading wildcard label
 * (`https://*.example.com`, any subdomain, not the bare domain).
 */

export interface CallbackAllowList {
  /** Why `url` is refused, or undefined when it is allowed. */
  refusal(url: string): string | undefined;
  readonly entries: readonly string[];
}

interface Entry {
  readonly protocol: string;
  /** Exact host, or the suffix after `*.`. */
  readonly host: string;
  readonly wildcard: boolean;
  readonly port: string;
}

/** Parses the entries; throws an Error naming a malformed one. */
export function parseCallbackAllowList(entries: readonly string[]): CallbackAllowList {
  const parsed = entries.map((text): Entry => {
    const wildcard = /^https?:\/\/\*\./.test(text);
    let url: URL;
    try {
      url = new URL(wildcard ? text.replace("*.", "wildcard.") : text);
    } catch {
      throw new Error(`"${text}" is not an origin such as https://hooks.example.com`);
    }
    if (!["http:", "https:"].includes(url.protocol) || url.username || url.password || (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
      throw new Error(`"${text}" is not an origin (scheme://host[:port], no path) such as https://hooks.example.com`);
    }
    if (text.endsWith("/")) throw new Error(`"${text}" is not an origin: remove the trailing slash`);
    return { protocol: url.protocol, host: wildcard ? url.hostname.slice("wildcard.".length) : url.hostname, wildcard, port: url.port };
  });
  const matches = (entry: Entry, url: URL) =>
    entry.protocol === url.protocol &&
    entry.port === url.port &&
    (entry.wildcard ? url.hostname.endsWith(`.${entry.host}`) : url.hostname === entry.host);
  return {
    entries,
    refusal(text) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return "not a URL";
      }
      if (!["http:", "https:"].includes(url.protocol)) return "only http and https callbacks are sent";
      if (url.username || url.password) return "a callback URL must not carry credentials";
      if (parsed.some((entry) => matches(entry, url))) return undefined;
      return parsed.length === 0
        ? "this server sends callbacks to allowed origins only, and none is allowed (setting callbackAllowedOrigins)"
        : `${url.origin} is not an allowed callback origin (setting callbackAllowedOrigins)`;
    },
  };
}
