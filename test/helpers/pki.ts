/**
 * Certificates for TLS tests, made by openssl at run time (no private key is
 * committed): a CA, a server certificate it signs, a client certificate it
 * signs (mutual TLS), and a second, untrusted CA with its own server and
 * client certificates. Made once per test file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Names the server certificate is valid for. */
export const SERVER_NAMES = { dns: ["model-manager.test", "localhost"], ip: ["127.0.0.1", "::1"] } as const;

/** The only name in the service certificate: what a load balancer's certificate holds, not its IP. */
export const SERVICE_NAME = "models.internal";

export interface CertificateSet {
  /** The CA certificate (PEM). */
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** A server certificate for {@link SERVICE_NAME} alone (no IP, no localhost). */
  readonly serviceCert: string;
  readonly serviceKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

export interface Pki extends CertificateSet {
  /** Another CA and its certificates, which nobody trusts. */
  readonly untrusted: CertificateSet;
}

let made: Pki | undefined;

/** The test PKI; throws (it does not skip) when openssl is missing. */
export function testPki(): Pki {
  made ??= makePki();
  return made;
}

function openssl(cwd: string, ...args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: "pipe" });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: Buffer };
    if (code === "ENOENT") {
      throw new Error("openssl is needed to make the TLS test certificates at run time, and it is not on the PATH");
    }
    throw new Error(`openssl ${args.join(" ")} failed: ${stderr?.toString() ?? String(error)}`);
  }
}

function makeSet(dir: string, name: string): CertificateSet {
  const file = (suffix: string) => `${name}-${suffix}`;
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(dir, "req", "-x509", ...ecKey, "-days", "2", "-subj", `/CN=${name} test CA`, "-keyout", file("ca.key"), "-out", file("ca.pem"));
  const san = [...SERVER_NAMES.dns.map((dns) => `DNS:${dns}`), ...SERVER_NAMES.ip.map((ip) => `IP:${ip}`)].join(",");
  const extensions = {
    server: `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`,
    service: `subjectAltName=DNS:${SERVICE_NAME}\nextendedKeyUsage=serverAuth\n`,
    client: "extendedKeyUsage=clientAuth\n",
  };
  for (const role of ["server", "service", "client"] as const) {
    writeFileSync(join(dir, file(`${role}.ext`)), extensions[role]);
    openssl(dir, "req", ...ecKey, "-subj", `/CN=${name} ${role}`, "-keyout", file(`${role}.key`), "-out", file(`${role}.csr`));
    openssl(dir, "x509", "-req", "-in", file(`${role}.csr`), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial",
      "-days", "2", "-extfile", file(`${role}.ext`), "-out", file(`${role}.pem`));
  }
  const read = (suffix: string) => readFileSync(join(dir, file(suffix)), "utf8");
  return {
    ca: read("ca.pem"),
    serverCert: read("server.pem"),
    serverKey: read("server.key"),
    serviceCert: read("service.pem"),
    serviceKey: read("service.key"),
    clientCert: read("client.pem"),
    clientKey: read("client.key"),
  };
}

function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), "tamar-pki-"));
  try {
    return { ...makeSet(dir, "trusted"), untrusted: makeSet(dir, "untrusted") };
  } finally {
    // The keys live in memory from here on; nothing stays on disk.
    rmSync(dir, { recursive: true, force: true });
  }
}
