// What a person reads when the connection to Temporal fails: the config path first, then the cause.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TemporalConfig } from '../../../config/schema-temporal';
import { explainRpcError, explainTlsError, probeTls } from '../../../temporal/diagnose';

const base: TemporalConfig = { address: 'temporal.example:7233', namespace: 'prod', taskQueue: 'incidents', tls: { caFile: '/ca.pem' } };
const tlsError = (message: string, code?: string) => Object.assign(new Error(message), { code });

describe('connection failure messages', () => {
  it('names the key and the namespace when the credentials may not use it', () => {
    expect(explainRpcError(Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 }), { ...base, apiKey: { fromEnv: 'K' } })).toBe(
      'temporal.apiKey: the credentials were accepted but may not use namespace "prod" (PERMISSION_DENIED); check temporal.namespace and the key\'s permissions',
    );
  });

  it('reads the gRPC status from the cause the client wraps it in', () => {
    const wrapped = Object.assign(new Error('Failed to connect to Temporal server'), { cause: Object.assign(new Error('16 UNAUTHENTICATED'), { code: 16 }) });
    expect(explainRpcError(wrapped, { ...base, apiKey: { fromFile: '/k' } })).toMatch(/^temporal\.apiKey: the server refused the API key \(UNAUTHENTICATED\)/);
  });

  it('asks for credentials when the server wants them and none are set', () => {
    expect(explainRpcError(Object.assign(new Error('x'), { code: 16 }), base)).toMatch(/^temporal\.apiKey: the server requires credentials \(UNAUTHENTICATED\); set temporal\.apiKey/);
  });

  it('falls back to the address with the underlying message', () => {
    expect(explainRpcError(new Error('deadline exceeded'), { ...base, tls: undefined })).toBe(
      'temporal.address: cannot connect to Temporal at temporal.example:7233: deadline exceeded. Check temporal.address (and temporal.tls if the frontend needs TLS)',
    );
  });

  it('tells an expired server certificate apart', () => {
    expect(explainTlsError(tlsError('certificate has expired', 'CERT_HAS_EXPIRED'), base)).toBe("temporal.tls.caFile: the server's certificate has expired (CERT_HAS_EXPIRED)");
  });

  it('says a refused client certificate is refused, not missing, when one is configured', () => {
    const withCert = { ...base, tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' } };
    expect(explainTlsError(tlsError('error:0A000418:SSL routines::tlsv1 alert unknown ca'), withCert)).toBe(
      'temporal.tls.certFile: the server refused the client certificate; check that its CA trusts it and that it has not expired (tlsv1 alert unknown ca)',
    );
  });

  it('says the frontend does not speak TLS', () => {
    expect(explainTlsError(tlsError('error:0A00010B:SSL routines::wrong version number', 'EPROTO'), base)).toBe(
      'temporal.tls: temporal.example:7233 does not speak TLS; set temporal.tls to false (or fix the address) (wrong version number)',
    );
  });

  it('names the address when nothing listens there', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const problem = await probeTls({ ...base, address: `127.0.0.1:${port}` }, {});
    expect(problem).toBe(`temporal.address: cannot reach 127.0.0.1:${port} (ECONNREFUSED); check the address and that the frontend is running`);
  });
});
