// A webhook receiver on a loopback port, as a strict customer would run one: it takes only POST
// with a JSON body, a Webhook-Id and a Webhook-Signature, records every request with its raw body
// and the answer it gave, and can be told to fail (status codes, Retry-After), to hang, or to go
// away entirely (the port refuses connections) and come back on the same port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  raw: string;
  /** The status this receiver answered. */
  status: number;
}

type Fault = { status: number; retryAfter?: string } | { hangMs: number };

export class WebhookReceiver {
  readonly requests: Received[] = [];
  port = 0;
  private server: Server;
  private faults: Fault[] = [];
  private failing?: Fault;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const fault = this.faults.shift() ?? this.failing;
        const answer = (status: number, extra: Record<string, string> = {}) => {
          this.requests.push({ path: req.url ?? '', headers, raw, status });
          res.writeHead(status, { 'content-type': 'text/plain', ...extra });
          res.end(status < 300 ? 'ok' : 'no');
        };
        if (req.method !== 'POST' || !String(headers['content-type']).startsWith('application/json') || !headers['webhook-id'] || !headers['webhook-signature'] || !isJson(raw))
          return answer(400);
        if (fault && 'hangMs' in fault) return void setTimeout(() => answer(200), fault.hangMs);
        if (fault) return answer(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
        answer(200);
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await r.listen();
    return r;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next requests get these answers, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Every request gets this answer until cleared (undefined). */
  failAll(fault: Fault | undefined): void {
    this.failing = fault;
  }

  /** The 2xx-answered requests for a path: what the receiver accepted. */
  accepted(path = '/hooks'): Received[] {
    return this.requests.filter((r) => r.path === path && r.status < 300);
  }

  /** Closes the port (and open keep-alive connections): connections are refused until `up()`. */
  async down(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  up(): Promise<void> {
    return this.listen(this.port);
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await this.down();
  }

  private async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }
}

function isJson(raw: string): boolean {
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}
