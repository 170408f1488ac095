// A real TLS terminator on loopback in front of the real Temporal dev server, for tests of secured
// connections: throwaway CAs and certificates made with openssl at test time, and an HTTP/2 (gRPC)
// proxy that can require a client certificate and/or an `authorization: Bearer <key>` header
// (answering grpc-status 16 UNAUTHENTICATED otherwise), as a secured frontend or Temporal Cloud does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** The name in the server certificate; clients set temporal.tls.serverName to it. */
export const SERVER_NAME = 'temporal.test';

export interface TestCerts {
  dir: string;
  /** CA that signed the server and client certificates. */
  caFile: string;
  /** A CA that signed nothing here (the "wrong CA"). */
  otherCaFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Writes a new client certificate/key signed by the CA into the given files (a rotation). */
  issueClient(commonName: string, certFile?: string, keyFile?: string): void;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`], dir);
}

function issue(dir: string, cn: string, out: string, ext: string, certFile = join(dir, `${out}.pem`), keyFile = join(dir, `${out}.key`)): void {
  writeFileSync(join(dir, `${out}.ext`), ext);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${out}.tmpkey`, '-out', `${out}.csr`], dir);
  openssl(['x509', '-req', '-in', `${out}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${out}.ext`, '-out', `${out}.tmppem`], dir);
  // Key first, then certificate: a watcher that sees the new certificate finds its key already there.
  writeFileSync(keyFile, readFileSync(join(dir, `${out}.tmpkey`)));
  writeFileSync(certFile, readFileSync(join(dir, `${out}.tmppem`)));
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'temporal-tls-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  issue(dir, SERVER_NAME, 'server', `subjectAltName=DNS:${SERVER_NAME},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`);
  const clientExt = 'extendedKeyUsage=clientAuth\n';
  issue(dir, 'incident-worker', 'client', clientExt);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
    issueClient: (cn, certFile = join(dir, 'client.pem'), keyFile = join(dir, 'client.key')) => issue(dir, cn, `client-${cn}`, clientExt, certFile, keyFile),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsProxyOptions {
  /** host:port of the plaintext Temporal frontend behind the proxy. */
  target: string;
  certs: TestCerts;
  /** Refuse TLS handshakes without a client certificate signed by the CA (mTLS). */
  requireClientCert?: boolean;
  /** The API keys a call may carry (several during a rotation); a function so a test can rotate them. */
  apiKeys?: () => string[];
}

export interface TlsProxy {
  /** 127.0.0.1:<port> */
  address: string;
  /** Common names of the client certificates of every TLS session so far, in order. */
  clientNames: string[];
  /** How many calls were refused with UNAUTHENTICATED. */
  refused: number;
  /** Accepted calls per API key. */
  keyUses: Map<string, number>;
  /** Every `temporal-namespace` header value seen (Temporal Cloud routes API-key calls by it). */
  namespaceHeaders: Set<string>;
  /** Closes every client session, so clients must handshake again (as after a network blip). */
  dropSessions(): void;
  stop(): Promise<void>;
}

const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'http2-settings']);

export async function startTlsProxy(opts: TlsProxyOptions): Promise<TlsProxy> {
  const upstream = http2.connect(`http://${opts.target}`);
  upstream.on('error', () => undefined);
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({
    key: readFileSync(opts.certs.serverKeyFile),
    cert: readFileSync(opts.certs.serverCertFile),
    ca: readFileSync(opts.certs.caFile),
    requestCert: !!opts.requireClientCert,
    rejectUnauthorized: !!opts.requireClientCert,
  });
  const proxy: TlsProxy = {
    address: '',
    clientNames: [],
    refused: 0,
    keyUses: new Map(),
    namespaceHeaders: new Set(),
    dropSessions: () => sessions.forEach((s) => s.destroy()),
    stop: async () => {
      sessions.forEach((s) => s.destroy());
      upstream.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => undefined);
    const cn = (session.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
    if (cn) proxy.clientNames.push(String(cn));
  });
  server.on('tlsClientError', () => undefined);
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const key = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    if (opts.apiKeys && !(key && opts.apiKeys().includes(key))) {
      proxy.refused += 1;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'Request unauthorized.' }, { endStream: true });
      return;
    }
    if (key) proxy.keyUses.set(key, (proxy.keyUses.get(key) ?? 0) + 1);
    if (headers['temporal-namespace']) proxy.namespaceHeaders.add(String(headers['temporal-namespace']));
    const forward: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!HOP_HEADERS.has(k) && k !== ':authority' && k !== ':scheme') forward[k] = v;
    const req = upstream.request(forward);
    req.on('error', () => stream.destroy());
    stream.on('close', () => req.destroy());
    let trailers: http2.OutgoingHttpHeaders = {};
    req.on('trailers', (t) => (trailers = { ...t }));
    req.on('response', (res) => {
      const { ':status': status, ...rest } = res;
      // A trailers-only answer (an error) carries grpc-status in its headers and no body.
      if ('grpc-status' in rest) return stream.respond({ ':status': status, ...rest }, { endStream: true });
      stream.respond({ ':status': status, ...rest }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(trailers));
      req.pipe(stream);
    });
    stream.pipe(req);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
