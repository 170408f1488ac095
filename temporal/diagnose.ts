// Turns a failed connection into a message naming the config path and the likely cause. gRPC
// clients report TLS failures vaguely ("failed to connect before the deadline"), so a TLS
// configuration is first tried with one plain TLS + HTTP/2 handshake, whose errors are precise.
import { checkServerIdentity, connect, createSecureContext, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { TemporalConfig } from '../config/schema-temporal';
import type { TlsMaterial } from './files';

export class TemporalConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalConnectionError';
  }
}

function hostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(address);
  return { host: m?.[1] ?? address, port: Number(m?.[2] ?? 7233) };
}

// An HTTP/2 client preface plus an empty SETTINGS frame: a server answers with its own SETTINGS,
// or (TLS 1.3) with the alert that refuses our certificate, which only arrives after the handshake.
const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/** One TLS handshake against the frontend with the configured material; undefined when it works. */
export function probeTls(temporal: TemporalConfig, material: TlsMaterial, timeoutMs = 5_000): Promise<string | undefined> {
  const { host, port } = hostPort(temporal.address);
  const serverName = temporal.tls?.serverName;
  const where = `${temporal.address}${serverName ? ` (as ${serverName})` : ''}`;
  return new Promise((resolve) => {
    let socket: TLSSocket | undefined;
    const done = (problem: string | undefined) => {
      clearTimeout(timer);
      socket?.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(`temporal.address: no TLS answer from ${where} within ${timeoutMs} ms; check the address and that the frontend is reachable`), timeoutMs);
    try {
      socket = connect({
        host,
        port,
        servername: serverName ?? (/^[\d.]+$|:/.test(host) ? undefined : host),
        secureContext: createSecureContext({ ca: material.ca, cert: material.cert, key: material.key }),
        ALPNProtocols: ['h2'],
        ...(serverName ? { checkServerIdentity: (_h: string, cert: PeerCertificate) => checkServerIdentity(serverName, cert) } : {}),
      });
    } catch (err) {
      return done(`temporal.tls.certFile: the client certificate or key cannot be used (${(err as Error).message}); check that keyFile belongs to certFile`);
    }
    socket.once('secureConnect', () => socket!.write(H2_PREFACE));
    socket.once('data', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(explainTlsError(err, temporal, where)));
    socket.once('close', () => done(`temporal.tls: ${where} closed the connection during the TLS handshake; check that it speaks TLS and whether it needs a client certificate (temporal.tls.certFile)`));
  });
}

/** OpenSSL messages are long; the alert or reason is what a person needs. */
function reason(err: NodeJS.ErrnoException): string {
  const alert = /(tlsv1\d? alert [a-z ]+|sslv3 alert [a-z ]+|wrong version number)/i.exec(err.message)?.[1];
  return alert ?? err.code ?? err.message.split('\n')[0]!;
}

export function explainTlsError(err: NodeJS.ErrnoException, temporal: TemporalConfig, where = temporal.address): string {
  const text = `${err.code ?? ''} ${err.message}`;
  const why = reason(err);
  const caPath = temporal.tls?.caFile ? 'temporal.tls.caFile' : 'temporal.tls';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ETIMEDOUT/.test(text))
    return `temporal.address: cannot reach ${where} (${err.code}); check the address and that the frontend is running`;
  if (/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF|unknown ?issuer|CERT_UNTRUSTED|self.signed/i.test(text))
    return `${caPath}: the server's certificate is not signed by ${temporal.tls?.caFile ? 'this CA' : 'a CA the system trusts'}${temporal.tls?.caFile ? '' : '; set temporal.tls.caFile to the CA that signed it'} (${why})`;
  if (/ERR_TLS_CERT_ALTNAME_INVALID|altname|NotValidForName|hostname/i.test(text))
    return `temporal.tls.serverName: the server's certificate is not valid for "${temporal.tls?.serverName ?? hostPort(temporal.address).host}"; set temporal.tls.serverName to a name in the certificate (${why})`;
  if (/CERT_HAS_EXPIRED|expired/i.test(text)) return `${caPath}: the server's certificate has expired (${why})`;
  if (/certificate required|alert number 116|handshake failure|alert bad certificate|unknown ca|alert number 4[28]/i.test(text))
    return temporal.tls?.certFile
      ? `temporal.tls.certFile: the server refused the client certificate; check that its CA trusts it and that it has not expired (${why})`
      : `temporal.tls.certFile: the server requires a client certificate (mTLS); set temporal.tls.certFile and keyFile (${why})`;
  if (/wrong version number|packet length too long|EPROTO/i.test(text))
    return `temporal.tls: ${where} does not speak TLS; set temporal.tls to false (or fix the address) (${why})`;
  return `temporal.tls: the TLS handshake with ${where} failed: ${why}`;
}

/** For a plaintext config that failed: does the frontend speak TLS? Then say so. */
export function plaintextMismatch(temporal: TemporalConfig, timeoutMs = 3_000): Promise<string | undefined> {
  const { host, port } = hostPort(temporal.address);
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    const done = (v: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('secureConnect', () =>
      done(`temporal.tls: ${temporal.address} speaks TLS but temporal.tls is off; set temporal.tls: true (or caFile/serverName for a private CA)`),
    );
    socket.once('error', () => done(undefined));
  });
}

/** A gRPC failure after the handshake (refused key, missing namespace, no answer) as a message. */
export function explainRpcError(err: unknown, temporal: TemporalConfig, plaintextProbe?: string): string {
  // The client wraps the gRPC error ("Failed to connect to Temporal server", cause: the status).
  const cause = (err as { cause?: unknown }).cause;
  const e = (typeof (cause as { code?: unknown })?.code === 'number' ? cause : err) as { code?: number; message?: string };
  const text = `${e.message ?? String(err)}`;
  const code = typeof e.code === 'number' ? e.code : /UNAUTHENTICATED|does not have valid authentication credentials|code: 16\b/i.test(text) ? 16 : /PERMISSION_DENIED|PermissionDenied|permission to perform the specified operation/i.test(text) ? 7 : undefined;
  if (code === 16)
    return temporal.apiKey
      ? 'temporal.apiKey: the server refused the API key (UNAUTHENTICATED); check that the key is current and belongs to this namespace'
      : 'temporal.apiKey: the server requires credentials (UNAUTHENTICATED); set temporal.apiKey (Temporal Cloud) or a client certificate (temporal.tls.certFile)';
  if (code === 7)
    return `temporal.apiKey: the credentials were accepted but may not use namespace "${temporal.namespace}" (PERMISSION_DENIED); check temporal.namespace and the key's permissions`;
  if (plaintextProbe) return plaintextProbe;
  return `temporal.address: cannot connect to Temporal at ${temporal.address}: ${text}. Check temporal.address${temporal.tls ? ' and temporal.tls' : ' (and temporal.tls if the frontend needs TLS)'}`;
}
