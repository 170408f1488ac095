// The credential files of a Temporal connection, re-read when they change (cert-manager and
// mounted Secrets replace them in place): a grpc-js certificate provider for the client Connection
// and an API key source whose current value every call reads.
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { experimental } from '@grpc/grpc-js';
import { readSecret } from '../config/load';
import type { TemporalConfig, TemporalTls } from '../config/schema-temporal';
import { TemporalConnectionError } from './diagnose';

/** Polling, not inotify: Kubernetes swaps a `..data` symlink, which fs.watch misses; stat follows it. */
export const DEFAULT_WATCH_INTERVAL_MS = 2_000;

/** Calls `onChange` when any of `paths` changes (mtime, size or inode); returns the stop function. */
export function watchFiles(paths: string[], onChange: () => void, intervalMs = DEFAULT_WATCH_INTERVAL_MS): () => void {
  const listener = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) onChange();
  };
  for (const p of paths) watchFile(p, { interval: intervalMs, persistent: false }, listener);
  return () => paths.forEach((p) => unwatchFile(p, listener));
}

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export function readTlsMaterial(tls: TemporalTls): TlsMaterial {
  const read = (path: string | undefined, key: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new TemporalConnectionError(`temporal.tls.${key}: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)}); mount the file or fix the path`);
    }
  };
  return { ca: read(tls.caFile, 'caFile'), cert: read(tls.certFile, 'certFile'), key: read(tls.keyFile, 'keyFile') };
}

type CaListener = experimental.CaCertificateUpdateListener;
type IdListener = experimental.IdentityCertificateUpdateListener;

/**
 * grpc-js CertificateProvider over the configured files: every new TLS handshake of the client
 * Connection uses the newest CA and client certificate. Established HTTP/2 sessions keep theirs
 * (a certificate is only checked at the handshake), which is what a rotation before expiry needs.
 */
export class FileCertificates implements experimental.CertificateProvider {
  private material: TlsMaterial;
  private readonly ca = new Set<CaListener>();
  private readonly id = new Set<IdListener>();
  private readonly stop: () => void;

  constructor(
    private readonly tls: TemporalTls,
    intervalMs?: number,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.material = readTlsMaterial(tls);
    const paths = [tls.caFile, tls.certFile, tls.keyFile].filter((p): p is string => !!p);
    this.stop = watchFiles(paths, () => this.reload(), intervalMs);
  }

  private reload(): void {
    try {
      this.material = readTlsMaterial(this.tls);
    } catch (err) {
      // Half-written rotation: keep the previous material, the next change event retries.
      this.onError((err as Error).message);
      return;
    }
    this.ca.forEach((l) => l(this.caUpdate()));
    this.id.forEach((l) => l(this.idUpdate()));
  }

  // Without caFile the system roots are the CA, as for `tls: true`.
  private caUpdate() {
    return { caCertificate: this.material.ca ?? Buffer.from(rootCertificates.join('\n')) };
  }

  private idUpdate() {
    return this.material.cert && this.material.key ? { certificate: this.material.cert, privateKey: this.material.key } : null;
  }

  get hasIdentity(): boolean {
    return !!this.tls.certFile;
  }

  addCaCertificateListener(l: CaListener): void {
    this.ca.add(l);
    l(this.caUpdate());
  }
  removeCaCertificateListener(l: CaListener): void {
    this.ca.delete(l);
  }
  addIdentityCertificateListener(l: IdListener): void {
    this.id.add(l);
    l(this.idUpdate());
  }
  removeIdentityCertificateListener(l: IdListener): void {
    this.id.delete(l);
  }
  close(): void {
    this.stop();
  }
}

/** The API key of `temporal.apiKey`; a file is re-read when it changes. Never logged. */
export class ApiKeySource {
  private value: string;
  private readonly stop: () => void;

  constructor(
    private readonly ref: NonNullable<TemporalConfig['apiKey']>,
    env: NodeJS.ProcessEnv = process.env,
    intervalMs?: number,
    private readonly onChange: (key: string) => void = () => undefined,
  ) {
    this.value = ApiKeySource.read(ref, env);
    this.stop = ref.fromFile ? watchFiles([ref.fromFile], () => this.reload(env), intervalMs) : () => undefined;
  }

  private static read(ref: NonNullable<TemporalConfig['apiKey']>, env: NodeJS.ProcessEnv): string {
    try {
      const key = readSecret(ref, env);
      if (!key) throw new Error(`the secret ${ref.fromEnv ? `variable ${ref.fromEnv}` : `file ${ref.fromFile}`} is empty`);
      return key;
    } catch (err) {
      throw new TemporalConnectionError(`temporal.apiKey: ${(err as Error).message}`);
    }
  }

  private reload(env: NodeJS.ProcessEnv): void {
    try {
      const next = ApiKeySource.read(this.ref, env);
      if (next === this.value) return;
      this.value = next;
      this.onChange(next);
    } catch {
      // An empty or missing file mid-rotation: keep the previous key until the new one lands.
    }
  }

  current(): string {
    return this.value;
  }

  close(): void {
    this.stop();
  }
}
