// One way to connect to Temporal for every process: the client `Connection` (api, watcher,
// scripts) and the worker's `NativeConnection`, both from the `temporal` config section (TLS with a
// custom CA and server name, mTLS, API key). Never imported by workflow code.
//
// Rotation, as the SDK 1.24 allows it:
// - client Connection: a grpc-js certificate provider over the files, so each new TLS handshake
//   uses the newest CA/certificate/key; the API key is a function read on every call.
// - NativeConnection (Rust core): the API key is swapped with setApiKey(); TLS material is fixed at
//   connect time, so `onTlsFilesChanged` tells the worker to build a new connection and Worker and
//   drain the old one (worker/worker.ts runRotatingWorker).
// Connecting is eager: a wrong CA, a missing client certificate or a refused key fails at start-up
// with a TemporalConnectionError naming the config path and the likely cause. Keys are never printed.
import { credentials as grpcCredentials, experimental } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type TLSConfig } from '@temporalio/worker';
import type { TemporalConfig } from '../config/schema-temporal';
import { ApiKeySource, FileCertificates, readTlsMaterial, watchFiles } from './files';
import { TemporalConnectionError, explainRpcError, plaintextMismatch, probeTls } from './diagnose';
import { tracingClientInterceptors } from '../telemetry/tracing';

export { TemporalConnectionError } from './diagnose';

/** Just what a connection needs; `Config['temporal']` fits, and so does a bare `{ address, namespace }`. */
export type TemporalConnectionConfig = Pick<TemporalConfig, 'address' | 'namespace'> & Partial<Pick<TemporalConfig, 'tls' | 'apiKey'>>;

export interface ConnectOptions {
  /** Where `apiKey.fromEnv` is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** How often the credential files are checked for changes (default 2s). */
  watchIntervalMs?: number;
  /** How long the first connect may take (default 10s). */
  connectTimeoutMs?: number;
  /** Where rotation problems are reported (default stderr). */
  log?: (message: string) => void;
}

const defaultLog = (m: string) => process.stderr.write(`temporal: ${m}\n`);
const full = (t: TemporalConnectionConfig): TemporalConfig => ({ taskQueue: '', ...t }) as TemporalConfig;

/** Temporal Cloud routes API-key calls on a regional endpoint by this header; self-hosted servers ignore it. */
function cloudMetadata(temporal: TemporalConfig): Record<string, string> | undefined {
  return temporal.apiKey ? { 'temporal-namespace': temporal.namespace } : undefined;
}

async function failWith(err: unknown, temporal: TemporalConfig): Promise<never> {
  if (err instanceof TemporalConnectionError) throw err;
  const mismatch = temporal.tls ? undefined : await plaintextMismatch(temporal);
  throw new TemporalConnectionError(explainRpcError(err, temporal, mismatch));
}

/** A connected client Connection; closing it also stops watching the credential files. */
export async function connectTemporalClient(config: TemporalConnectionConfig, opts: ConnectOptions = {}): Promise<Connection> {
  const temporal = full(config);
  const log = opts.log ?? defaultLog;
  const closers: (() => void)[] = [];
  try {
    const apiKey = temporal.apiKey ? new ApiKeySource(temporal.apiKey, opts.env, opts.watchIntervalMs) : undefined;
    if (apiKey) closers.push(() => apiKey.close());
    let credentials;
    let channelArgs = {};
    if (temporal.tls) {
      const problem = await probeTls(temporal, readTlsMaterial(temporal.tls));
      if (problem) throw new TemporalConnectionError(problem);
      const files = new FileCertificates(temporal.tls, opts.watchIntervalMs, log);
      closers.push(() => files.close());
      credentials = experimental.createCertificateProviderChannelCredentials(files, files.hasIdentity ? files : null);
      if (temporal.tls.serverName)
        channelArgs = { 'grpc.ssl_target_name_override': temporal.tls.serverName, 'grpc.default_authority': temporal.tls.serverName };
    }
    const connection = Connection.lazy({
      address: temporal.address,
      credentials: credentials ?? grpcCredentials.createInsecure(),
      channelArgs,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      metadata: cloudMetadata(temporal),
    });
    // Set after construction: the SDK refuses `apiKey` together with custom `credentials`.
    if (apiKey) connection.setApiKey(() => apiKey.current());
    await connection.ensureConnected().catch(async (err: unknown) => {
      await connection.close().catch(() => undefined);
      return failWith(err, temporal);
    });
    const close = connection.close.bind(connection);
    connection.close = async () => {
      closers.forEach((c) => c());
      await close();
    };
    return connection;
  } catch (err) {
    closers.forEach((c) => c());
    return failWith(err, temporal);
  }
}

/**
 * The workflow Client every process uses: with tracing on (telemetry/tracing.ts, started before
 * this) its calls carry the caller's span to the workflow in the Temporal headers.
 */
export function createTemporalClient(connection: Connection, namespace: string): Client {
  return new Client({ connection, namespace, interceptors: tracingClientInterceptors() });
}

export interface WorkerConnection {
  connection: NativeConnection;
  /** Called (once per change) when the CA, client certificate or key file changed. */
  onTlsFilesChanged(listener: () => void): void;
  /** Stops watching and closes the connection. */
  close(): Promise<void>;
}

/** A connected NativeConnection for the worker; the API key follows its file, TLS changes are announced. */
export async function connectTemporalWorker(config: TemporalConnectionConfig, opts: ConnectOptions = {}): Promise<WorkerConnection> {
  const temporal = full(config);
  const log = opts.log ?? defaultLog;
  const closers: (() => void)[] = [];
  try {
    const live: { connection?: NativeConnection } = {};
    const apiKey = temporal.apiKey
      ? new ApiKeySource(temporal.apiKey, opts.env, opts.watchIntervalMs, (key) => {
          live.connection?.setApiKey(key).catch((err: Error) => log(`temporal.apiKey: could not apply the new key: ${err.message}`));
        })
      : undefined;
    if (apiKey) closers.push(() => apiKey.close());
    let tls: TLSConfig | undefined;
    if (temporal.tls) {
      const material = readTlsMaterial(temporal.tls);
      const problem = await probeTls(temporal, material);
      if (problem) throw new TemporalConnectionError(problem);
      tls = {
        serverNameOverride: temporal.tls.serverName,
        serverRootCACertificate: material.ca,
        clientCertPair: material.cert && material.key ? { crt: material.cert, key: material.key } : undefined,
      };
    }
    const conn = (live.connection = await NativeConnection.connect({ address: temporal.address, tls: tls ?? false, apiKey: apiKey?.current(), metadata: cloudMetadata(temporal) }));
    const listeners = new Set<() => void>();
    if (temporal.tls) {
      const paths = [temporal.tls.caFile, temporal.tls.certFile, temporal.tls.keyFile].filter((p): p is string => !!p);
      closers.push(watchFiles(paths, () => listeners.forEach((l) => l()), opts.watchIntervalMs));
    }
    return {
      connection: conn,
      onTlsFilesChanged: (l) => void listeners.add(l),
      close: async () => {
        closers.forEach((c) => c());
        await conn.close();
      },
    };
  } catch (err) {
    closers.forEach((c) => c());
    return failWith(err, temporal);
  }
}
