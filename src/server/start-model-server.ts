import { createPrivateKey, X509Certificate } from "node:crypto";
import { createSecureContext } from "node:tls";
import { ServerCredentials } from "@grpc/grpc-js";
import { createServer } from "nice-grpc";
import { HealthDefinition } from "../gen/grpc/health/v1/health.js";
import { ModelServiceDefinition } from "../gen/model_service/model_service.js";
import { createTokenVerifier } from "./auth/token-verifier.js";
import { credentialValues } from "./config/backend-settings.js";
import { ModelServerConfigError } from "./config/config-error.js";
import { environmentWithDotEnv } from "./config/dotenv.js";
import { resolveServerConfig, type ModelServerOptions, type ServerConfig, type ServerTlsOptions } from "./config/server-config.js";
import { authenticate } from "./auth/authenticate.js";
import { createAnswerStore } from "./dedup/create-answer-store.js";
import { createSharedCalls } from "./dedup/shared-calls.js";
import { createHealthBoard } from "./grpc/health-service.js";
import { callScope } from "./grpc/call-scope.js";
import { watchConnections } from "./grpc/connection-watch.js";
import { createInFlightCalls } from "./grpc/in-flight-calls.js";
import { serverServiceDefinition } from "./grpc/server-service-definition.js";
import { terminateOnShutdown } from "./grpc/terminate-on-shutdown.js";
import { redactingLogger, secretRedactor, toServerLogger, type ServerLogger } from "./logging/logger.js";
import { importPackage } from "./providers/load-sdk.js";
import { createProviderRegistry } from "./providers/provider-registry.js";
import type { Backend } from "./providers/provider.js";
import { createModelService } from "./service/model-service.js";
import { listenHttpApi, type RunningHttpApi } from "./http/http-server.js";
import { httpServiceChain } from "./http/service-call.js";
import { createServerTelemetry } from "./telemetry/server-telemetry.js";
import { createTaskStore } from "./tasks/create-task-store.js";
import { createTaskRunner } from "./tasks/run-task.js";

/** A running Model Manager server. */
export interface RunningModelServer extends AsyncDisposable {
  /** `host:port` the server accepts calls on (IPv6 hosts in brackets), ready for a client. */
  readonly address: string;
  /** The bound port (useful when 0 was requested). */
  readonly port: number;
  /** `http://host:port` of the HTTP API, when `httpPort` was set. */
  readonly httpUrl: string | undefined;
  /** Why calls are answered offline (`"forced"`, `"no-credentials"`), or false when providers are live. */
  readonly offline: ServerConfig["offline"];
  /** False when the server accepts calls without a JWT. */
  readonly authenticated: boolean;
  /** Backends that have a provider. */
  readonly backends: readonly Backend[];
  /** Calls in flight right now. */
  readonly inFlight: number;
  /**
   * Stops accepting calls (health turns NOT_SERVING, new calls are refused),
   * lets in-flight calls finish for up to `graceMs` (default: the
   * `shutdownGraceMs` option), then cancels the rest — which aborts their
   * upstream provider requests. Resolves once every call has ended.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Starts the reference Model Manager server and resolves once it accepts
 * calls. Throws {@link ModelServerConfigError} for a bad setting.
 *
 * @example
 * ```ts
 * const server = await startModelServer({ jwtSecretKey: "s3cret", offline: true });
 * // ... createChannel(server.address) ...
 * await server.close();
 * ```
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<RunningModelServer> {
  const env = options.env ?? environmentWithDotEnv();
  const config = resolveServerConfig(options, env);
  const secrets = [
    ...(config.jwtSecretKey ? [config.jwtSecretKey] : []),
    ...(config.tasks.webhookSecret ? [config.tasks.webhookSecret] : []),
    ...redisPassword(config.tasks.redisUrl),
    ...credentialValues(config.backends),
  ];
  const logger = redactingLogger(toServerLogger(options.logger), secrets);
  const registry = createProviderRegistry(config, {
    importModule: options.importModule ?? importPackage,
    overrides: options.providers ?? {},
    googleAuthOptions: options.googleAuthOptions,
    logger,
  });
  const now = options.now ?? Date.now;
  const redact = secretRedactor(secrets);
  const telemetry = createServerTelemetry(options.telemetry ?? {}, redact);
  const taskStore = await createTaskStore(config.tasks, {
    run: createTaskRunner({
      registry,
      redact,
      resultMaxBytes: config.tasks.resultMaxBytes,
      pollIntervalMs: config.tasks.providerPollIntervalMs,
    }),
    now,
    logger,
    importModule: options.importModule ?? importPackage,
  });
  const answers = await createAnswerStore(config, { given: options.answerStore, importModule: options.importModule ?? importPackage, logger }).catch(
    async (error: unknown) => {
      await taskStore.close();
      throw error;
    },
  );
  const inFlight = createInFlightCalls();
  const shutdown = new AbortController();
  const health = createHealthBoard(["", ModelServiceDefinition.fullName]);
  const sharedCalls = createSharedCalls({
    store: answers.store,
    claims: answers.claims,
    settings: config.dedup,
    logger,
  });
  const connections = watchConnections();

  const server = createServer({
    "grpc.max_receive_message_length": config.maxReceiveMessageBytes,
    "grpc.max_send_message_length": -1,
    // Connections churn so that clients balancing over a DNS name find new
    // replicas; calls in flight keep running through the grace.
    ...(config.maxConnectionAgeMs > 0
      ? { "grpc.max_connection_age_ms": config.maxConnectionAgeMs, "grpc.max_connection_age_grace_ms": config.maxConnectionAgeGraceMs }
      : {}),
    interceptors: [connections.interceptor],
  });
  // One chain in front of the service, for gRPC and HTTP calls alike.
  const scope = callScope({ logger, inFlight });
  const authentication = authenticate(config.jwtSecretKey === undefined ? undefined : createTokenVerifier(config.jwtSecretKey));
  const modelService = createModelService({
    registry,
    batchConcurrency: config.batchConcurrency,
    maxBatchItems: config.maxBatchItems,
    sharedCalls,
    allowEmptyTenant: config.allowEmptyTenant,
    redact,
    traced: telemetry.traced,
    tasks: {
      store: taskStore,
      callbacks: config.tasks.webhookSecret === undefined ? undefined : config.tasks.callbackAllowList,
      now,
    },
  });
  server.with(scope).with(connections.middleware).with(telemetry.middleware).with(authentication).add(serverServiceDefinition, modelService);
  server.with(terminateOnShutdown(shutdown.signal)).add(HealthDefinition, health.service);

  const bracketed = config.host.includes(":") ? `[${config.host}]` : config.host;
  const credentials = credentialsOf(options.tls);
  let port: number;
  try {
    port = await server.listen(`${bracketed}:${config.port}`, credentials);
  } catch (error) {
    await Promise.all([taskStore.close(), answers.close()]);
    const message = (error as Error).message;
    // A port in use or reserved is the port's fault; a name that does not
    // resolve or an address this machine does not have is the host's.
    const setting = /EADDRINUSE|EACCES/.test(message) ? "port" : "host";
    throw new ModelServerConfigError(setting, `cannot listen on ${bracketed}:${config.port}: ${message}`);
  }
  const address = `${bracketed}:${port}`;
  let serving = true;
  let http: RunningHttpApi | undefined;
  if (config.httpPort !== undefined) {
    try {
      http = await listenHttpApi(config.host, config.httpPort, {
        service: modelService,
        middleware: httpServiceChain(scope, telemetry.middleware, authentication),
        maxBodyBytes: config.maxReceiveMessageBytes,
        serving: () => serving,
      });
    } catch (error) {
      server.forceShutdown();
      await Promise.all([taskStore.close(), answers.close()]);
      throw new ModelServerConfigError("httpPort", `cannot listen on ${bracketed}:${config.httpPort} (HTTP API): ${(error as Error).message}`);
    }
  }
  announce(logger, config, address, registry.available, http?.url);

  let closing: Promise<void> | undefined;
  const running: RunningModelServer = {
    address,
    port,
    httpUrl: http?.url,
    offline: config.offline,
    authenticated: config.jwtSecretKey !== undefined,
    backends: registry.available,
    get inFlight() {
      return inFlight.size;
    },
    close({ graceMs = config.shutdownGraceMs } = {}) {
      closing ??= (async () => {
        logger({ level: "info", msg: "shutting down", in_flight: inFlight.size, grace_ms: graceMs });
        health.set("", false);
        health.set(ModelServiceDefinition.fullName, false);
        serving = false;
        http?.stopAccepting();
        shutdown.abort();
        // A call losing its connection now is the shutdown, not a network fault: no retry will come here.
        sharedCalls.shutdown();
        let forced!: () => void;
        const forcedShutdown = new Promise<void>((resolve) => (forced = resolve));
        const force = setTimeout(() => {
          logger({ level: "warn", msg: "grace period over: cancelling calls still in flight", in_flight: inFlight.size });
          server.forceShutdown();
          http?.cutAll();
          forced();
        }, graceMs);
        try {
          // grpc-js's graceful shutdown can wait forever for a connection that
          // was destroyed (e.g. a TLS or HTTP/1 client on this port) before it
          // got to close it: it checks session.closed, not destroyed. Once the
          // forced shutdown has run there is nothing left to wait for.
          await Promise.race([Promise.all([server.shutdown(), http?.closed()]), forcedShutdown]);
          await inFlight.idle();
        } finally {
          clearTimeout(force);
          // Tasks still running are aborted: in memory they end here, in Redis another replica takes them over.
          await taskStore.close();
          await sharedCalls.settled();
          await answers.close();
        }
        logger({ level: "info", msg: "stopped" });
      })();
      return closing;
    },
    [Symbol.asyncDispose]: () => running.close(),
  };
  return running;
}

function redisPassword(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password] : [];
  } catch {
    return [];
  }
}

function credentialsOf(tls: ServerTlsOptions | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const pem = (value: string | Uint8Array) => Buffer.from(value);
  // Each PEM on its own, so a bad one is named rather than blamed on the listen.
  const check = (setting: string, what: string, parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      throw new ModelServerConfigError(setting, `${setting} is not a PEM ${what}: ${(error as Error).message}`);
    }
  };
  check("tls.cert", "certificate", () => new X509Certificate(pem(tls.cert)));
  check("tls.key", "private key", () => createPrivateKey(pem(tls.key)));
  if (tls.clientCa !== undefined) check("tls.clientCa", "CA certificate", () => new X509Certificate(pem(tls.clientCa!)));
  check("tls", "certificate and key pair", () => createSecureContext({ cert: pem(tls.cert), key: pem(tls.key) }));
  return ServerCredentials.createSsl(
    tls.clientCa === undefined ? null : pem(tls.clientCa),
    [{ cert_chain: pem(tls.cert), private_key: pem(tls.key) }],
    tls.clientCa !== undefined,
  );
}

function announce(logger: ServerLogger, config: ServerConfig, address: string, backends: readonly Backend[], httpUrl: string | undefined): void {
  logger({
    level: "info",
    msg: "listening",
    address,
    ...(httpUrl === undefined ? {} : { http: httpUrl }),
    mode: config.offline ? "offline" : "providers",
    backends: backends.join(","),
    authentication: config.jwtSecretKey !== undefined,
  });
  if (config.offline === "no-credentials") {
    logger({
      level: "warn",
      msg: "no provider credentials are configured: every call is answered by the offline provider (deterministic text, no network)",
    });
  } else if (config.offline === "forced") {
    logger({ level: "warn", msg: "offline mode is on: every call is answered by the offline provider, whatever credentials are set" });
  }
  if (config.jwtSecretKey === undefined) {
    logger({ level: "warn", msg: "authentication is OFF: calls are accepted without a JWT and tenants are not checked" });
  }
}
