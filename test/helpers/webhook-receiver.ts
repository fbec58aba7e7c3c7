/**
 * A loopback webhook receiver: records every delivery and answers with the
 * statuses a test scripts, and checks Standard Webhooks signatures with its
 * own HMAC code (independent of the server's).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { deferred, type Deferred } from "./deferred.js";

export interface Delivery {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface WebhookReceiver {
  readonly origin: string;
  readonly url: string;
  readonly deliveries: Delivery[];
  /** Resolves once `count` deliveries have arrived. */
  received(count: number): Promise<Delivery[]>;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** Starts a receiver on 127.0.0.1; `statuses[i]` answers the i-th delivery (200 after the list). */
export async function startWebhookReceiver(statuses: readonly number[] = [], headers: Record<string, string> = {}): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const waiting: Array<{ count: number; done: Deferred<Delivery[]> }> = [];
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    deliveries.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(parts).toString("utf8") });
    res.writeHead(statuses[deliveries.length - 1] ?? 200, headers).end();
    for (const waiter of waiting.filter((entry) => deliveries.length >= entry.count)) waiter.done.resolve([...deliveries]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  open.push(() => new Promise((resolve) => server.close(() => resolve())));
  return {
    origin,
    url: `${origin}/hooks/tasks`,
    deliveries,
    received(count) {
      if (deliveries.length >= count) return Promise.resolve([...deliveries]);
      const done = deferred<Delivery[]>();
      waiting.push({ count, done });
      return done.promise;
    },
  };
}

/** True when `delivery` carries a valid `v1` signature of its id, timestamp and body under `secret` (`whsec_<base64>`). */
export function hasValidSignature(delivery: Delivery, secret: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signed = `${delivery.headers["webhook-id"]}.${delivery.headers["webhook-timestamp"]}.${delivery.body}`;
  const expected = createHmac("sha256", key).update(signed).digest();
  return String(delivery.headers["webhook-signature"])
    .split(" ")
    .some((entry) => {
      const [version, signature] = entry.split(",");
      const given = Buffer.from(signature ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}
