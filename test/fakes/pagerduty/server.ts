// A fake PagerDuty Events API v2 (`POST /v2/enqueue`) on a loopback port. It validates events as
// PagerDuty does (32-character routing_key, event_action, payload.summary/source/severity for
// triggers, dedup_key for acknowledge and resolve, size limits), answers 202 with the dedup_key or
// 400 with PagerDuty's `errors` list, records every accepted event and keeps the alert state per
// dedup key. Tests can make it throttle (429) or fail (5xx).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RecordedPdEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; source: string; severity: string; custom_details?: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

export class FakePagerDuty {
  readonly events: RecordedPdEvent[] = [];
  /** Answers to every request, in order, including rejected and throttled ones. */
  readonly answers: number[] = [];
  url = '';
  private server?: Server;
  private faults: { status: number; retryAfter?: string }[] = [];

  static async start(): Promise<FakePagerDuty> {
    const fake = new FakePagerDuty();
    fake.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { status, body, headers } = fake.handle(req.method ?? '', req.url ?? '', String(req.headers['content-type'] ?? ''), Buffer.concat(chunks).toString('utf8'));
        fake.answers.push(status);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next requests are answered with these statuses (429 throttles, 5xx fails). */
  failNext(...faults: { status: number; retryAfter?: string }[]): void {
    this.faults.push(...faults);
  }

  eventsFor(dedupKey: string): RecordedPdEvent[] {
    return this.events.filter((e) => e.dedup_key === dedupKey);
  }

  /** The alert's state as PagerDuty would show it: the last accepted action that changed it. */
  alertState(dedupKey: string): 'triggered' | 'acknowledged' | 'resolved' | undefined {
    let state: 'triggered' | 'acknowledged' | 'resolved' | undefined;
    for (const e of this.eventsFor(dedupKey)) {
      // A trigger opens an alert (or adds to the open one); acknowledge and resolve of an
      // unknown or resolved alert are accepted and ignored.
      if (e.event_action === 'trigger' && (!state || state === 'resolved')) state = 'triggered';
      if (e.event_action === 'acknowledge' && state === 'triggered') state = 'acknowledged';
      if (e.event_action === 'resolve' && state && state !== 'resolved') state = 'resolved';
    }
    return state;
  }

  private handle(method: string, url: string, contentType: string, raw: string): { status: number; body: unknown; headers?: Record<string, string> } {
    if (method !== 'POST' || url.split('?')[0] !== '/v2/enqueue') return { status: 404, body: { status: 'not found', message: `no route ${method} ${url}` } };
    const fault = this.faults.shift();
    if (fault?.status === 429)
      return { status: 429, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' }, headers: fault.retryAfter ? { 'retry-after': fault.retryAfter } : {} };
    if (fault) return { status: fault.status, body: { status: 'error', message: 'Internal server error' } };
    if (!contentType.startsWith('application/json')) return invalid(['Content-Type must be application/json']);
    let event: Record<string, any>;
    try {
      event = JSON.parse(raw);
    } catch {
      return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid JSON'] } };
    }
    const errors: string[] = [];
    if (typeof event.routing_key !== 'string' || event.routing_key.length === 0) errors.push("'routing_key' is missing or blank");
    else if (event.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (!ACTIONS.includes(event.event_action)) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
    if (event.dedup_key !== undefined && (typeof event.dedup_key !== 'string' || event.dedup_key.length > 255)) errors.push("'dedup_key' must be a string of at most 255 characters");
    if (event.event_action === 'trigger') {
      const p = event.payload;
      if (!p || typeof p !== 'object') errors.push("'payload' is missing or blank");
      else {
        if (typeof p.summary !== 'string' || !p.summary.trim()) errors.push("'payload.summary' is missing or blank");
        else if (p.summary.length > 1024) errors.push("'payload.summary' is too long (maximum is 1024 characters)");
        if (typeof p.source !== 'string' || !p.source.trim()) errors.push("'payload.source' is missing or blank");
        if (!SEVERITIES.includes(p.severity)) errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
      }
    } else if (ACTIONS.includes(event.event_action) && (typeof event.dedup_key !== 'string' || !event.dedup_key.trim())) {
      errors.push("'dedup_key' is missing or blank");
    }
    if (Buffer.byteLength(raw) > 512 * 1024) errors.push('Event is too large (maximum is 512 KB)');
    if (errors.length) return invalid(errors);
    const dedupKey = event.dedup_key ?? randomBytes(16).toString('hex');
    this.events.push({ ...event, dedup_key: dedupKey } as RecordedPdEvent);
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  }
}

function invalid(errors: string[]) {
  return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
}
