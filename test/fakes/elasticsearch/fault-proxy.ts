// A loopback HTTP proxy in front of the real test node that fails on cue: every request answered
// 503 or 429 (Elasticsearch's own error bodies) while `outage` is set, or refused connections
// (listener closed, reopened on the same port). Otherwise requests and answers pass through
// untouched, so the stack under test talks to real Elasticsearch with faults a healthy node
// cannot produce on demand.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { errors } from './errors';
import { RefusableListener } from './listener';

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
}

export class EsFaultProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Every request answers this status (503 or 429) without reaching the node, until cleared. */
  outage: 503 | 429 | undefined;
  private readonly listener = new RefusableListener((req, res) => this.handle(req, res));

  private constructor(private readonly target: URL) {}

  static async start(targetUrl: string): Promise<EsFaultProxy> {
    const proxy = new EsFaultProxy(new URL(targetUrl));
    await proxy.listener.listen(0);
    return proxy;
  }

  get url(): string {
    return this.listener.url;
  }

  /** Closes the listening socket and every open connection: clients get ECONNREFUSED. */
  refuseConnections(): Promise<void> {
    return this.listener.refuseConnections();
  }

  /** Listens again on the same port after refuseConnections(). */
  resume(): Promise<void> {
    return this.listener.resume();
  }

  async stop(): Promise<void> {
    if (!this.listener.closed) await this.listener.refuseConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const log: ProxiedRequest = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', this.target).pathname, status: 0 };
    this.requests.push(log);
    if (this.outage) {
      const e = this.outage === 503 ? errors.unavailable() : errors.rejected();
      log.status = e.status;
      req.resume();
      res.writeHead(e.status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' }).end(JSON.stringify(e.body()));
      return;
    }
    const upstream = request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: { ...req.headers, host: this.target.host } },
      (answer) => {
        log.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
