// A strict OpenTelemetry collector stand-in for the OTLP/HTTP traces receiver: POST /v1/traces
// with an ExportTraceServiceRequest as JSON (what @opentelemetry/exporter-trace-otlp-http sends),
// answered like the collector does. Anything else is refused as the collector refuses it. Spans
// are kept flat with their service name, ids in hex.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CollectedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  /** undefined for a root span */
  parentSpanId?: string;
  kind: number;
  attributes: Record<string, unknown>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };

const valueOf = (v: AnyValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
const attrs = (list: KeyValue[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));
/** OTLP/JSON carries ids as hex; base64 (the protobuf JSON mapping) is accepted too. */
const hex = (id: string | undefined) => (!id ? undefined : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

export class FakeCollector {
  readonly spans: CollectedSpan[] = [];
  /** Every request that was refused, with why (a test can assert there were none). */
  readonly refused: string[] = [];
  private server?: Server;

  static async start(): Promise<FakeCollector> {
    const c = new FakeCollector();
    c.server = createServer((req, res) => void c.handle(req, res));
    await new Promise<void>((ok) => c.server!.listen(0, '127.0.0.1', ok));
    return c;
  }

  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private refuse(res: ServerResponse, status: number, why: string): void {
    this.refused.push(why);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 3, message: why }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/traces') return this.refuse(res, 404, `${req.method} ${req.url}: only POST /v1/traces`);
    if (!req.headers['content-type']?.startsWith('application/json')) return this.refuse(res, 415, `content-type ${req.headers['content-type']}: this fake takes OTLP/JSON`);
    let body: { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: any[] }[] }[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      return this.refuse(res, 400, `not JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(body.resourceSpans)) return this.refuse(res, 400, 'no resourceSpans');
    for (const rs of body.resourceSpans) {
      const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          this.spans.push({ service, name: s.name, traceId: hex(s.traceId)!, spanId: hex(s.spanId)!, parentSpanId: hex(s.parentSpanId), kind: s.kind, attributes: attrs(s.attributes) });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }
}
