// The webhook sink: POSTs each incident transition to every endpoint that wants it, signed
// (verify.ts). 2xx is delivered. 408, 429, 5xx, timeouts and refused connections fail the batch
// retryably (Temporal retries the publish with backoff, honouring Retry-After) until the endpoint
// has failed for its `retryFor` (default 24 h); then its pending events are dropped. Any other
// answer (3xx, 4xx) is a receiver that will not take the event however often it is sent: it is
// logged and counted as dropped. Either way a broken receiver cannot hold back the incident and
// the other sinks forever.
//
// Per endpoint, events go out in timeline order and stop at the first retryable failure, so a
// receiver sees an incident's events in order. Ids delivered by an earlier attempt are remembered
// in this process and not sent again; after a worker restart a retried batch may repeat an event,
// which receivers drop by its id (docs/webhooks.md).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Counter } from 'prom-client';
import type { Config } from '../../config/schema';
import { readSecret } from '../../config/load';
import { workerRegistry } from '../../metrics/incidents';
import { ErrorTypes } from '../errors';
import type { EventBatch, EventSink } from '../events';
import { activityWarn } from '../log';
import type { WebhookEndpoint, WebhooksConfig } from './config';
import { wants, webhookEvents, type WebhookEvent, type WebhookLinks } from './events';
import { webhookSignature } from './verify';

const deliveries = new Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook events by endpoint and outcome: delivered (2xx), retry (408, 429, 5xx, timeout, unreachable), dropped (any other answer: fix the receiver).',
  labelNames: ['endpoint', 'outcome'],
  registers: [workerRegistry],
});

/** Ids remembered per endpoint; the oldest are forgotten past this (a retry comes within minutes). */
const MEMO_MAX = 10_000;

export interface WebhookSinkOptions {
  /** The current `webhooks` section (read per batch, so a reload applies). */
  config: () => WebhooksConfig;
  links?: () => WebhookLinks;
  env?: NodeJS.ProcessEnv;
  warn?: (message: string) => void;
  nowMs?: () => number;
  /** When the publish now retried was first tried (default: the activity's first attempt). */
  firstAttemptMs?: () => number | undefined;
}

type Outcome = 'delivered' | 'dropped';
interface Retry {
  message: string;
  delayMs?: number;
}

export class WebhookSink implements EventSink {
  readonly name = 'webhooks';
  private readonly delivered = new Map<string, Set<string>>();
  /** Per endpoint, since when it has failed without a single answer in between (this process). */
  private readonly failingSince = new Map<string, number>();

  constructor(private readonly opts: WebhookSinkOptions) {}

  async publish(batch: EventBatch): Promise<void> {
    const events = webhookEvents(batch, this.opts.links?.() ?? {});
    if (events.length === 0) return;
    const retries: Retry[] = [];
    // Endpoints are independent: one that is down does not keep the others waiting.
    for (const ep of this.opts.config().endpoints) {
      const retry = await this.deliverAll(ep, events.filter((ev) => wants(ep, ev)));
      if (retry) retries.push(retry);
    }
    if (retries.length === 0) return;
    const delays = retries.map((r) => r.delayMs ?? 0);
    throw ApplicationFailure.create({
      type: retries.every((r) => r.delayMs !== undefined) ? ErrorTypes.rateLimited : ErrorTypes.unavailable,
      message: `webhook delivery of ${batch.incident.key} will be retried: ${retries.map((r) => r.message).join('; ')}`,
      nonRetryable: false,
      // Wait as long as the slowest endpoint asked, else Temporal's backoff.
      ...(Math.max(...delays) > 0 ? { nextRetryDelay: Math.max(1000, ...delays) } : {}),
    });
  }

  /** Sends in order; returns why it stopped when an event must be retried. */
  private async deliverAll(ep: WebhookEndpoint, events: WebhookEvent[]): Promise<Retry | undefined> {
    const memo = this.memo(ep.name);
    const pending = events.filter((ev) => !memo.has(ev.id));
    if (pending.length === 0) return undefined;
    let secret: string;
    try {
      secret = readSecret(ep.secret, this.opts.env ?? process.env);
    } catch (err) {
      return { message: `webhooks.endpoints "${ep.name}" secret: ${(err as Error).message}` };
    }
    for (const ev of pending) {
      const result = await this.deliver(ep, secret, ev);
      if (typeof result !== 'string') return this.failed(ep, result, pending.slice(pending.indexOf(ev)), memo);
      this.failingSince.delete(ep.name);
      deliveries.inc({ endpoint: ep.name, outcome: result });
      remember(memo, ev.id);
    }
    return undefined;
  }

  /** A retryable failure: retried, unless the endpoint has failed for longer than its retryFor. */
  private failed(ep: WebhookEndpoint, retry: Retry, rest: WebhookEvent[], memo: Set<string>): Retry | undefined {
    const now = this.now();
    if (!this.failingSince.has(ep.name)) this.failingSince.set(ep.name, now);
    const since = Math.min(this.failingSince.get(ep.name)!, this.firstAttempt() ?? Infinity);
    if (now - since < ep.retryFor) {
      deliveries.inc({ endpoint: ep.name, outcome: 'retry' });
      return retry;
    }
    // Giving up keeps a dead receiver from holding the incident (and the sinks) back for good.
    (this.opts.warn ?? activityWarn)(
      `webhook events ${rest.map((ev) => ev.id).join(', ')} dropped: endpoint "${ep.name}" has failed for longer than its retryFor (${Math.round(ep.retryFor / 1000)} s): ${retry.message}`,
    );
    deliveries.inc({ endpoint: ep.name, outcome: 'dropped' }, rest.length);
    for (const ev of rest) remember(memo, ev.id);
    return undefined;
  }

  private now(): number {
    return this.opts.nowMs?.() ?? Date.now();
  }

  private firstAttempt(): number | undefined {
    if (this.opts.firstAttemptMs) return this.opts.firstAttemptMs();
    try {
      return Context.current().info.scheduledTimestampMs;
    } catch {
      return undefined; // not inside an activity
    }
  }

  private async deliver(ep: WebhookEndpoint, secret: string, ev: WebhookEvent): Promise<Outcome | Retry> {
    const body = JSON.stringify(ev);
    const t = Math.floor(this.now() / 1000);
    let res: Response;
    try {
      res = await fetch(ep.url, {
        method: 'POST',
        redirect: 'manual',
        signal: requestSignal(ep.timeout),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'k8s-incident-flow-webhooks',
          'webhook-id': ev.id,
          'webhook-signature': webhookSignature(secret, t, body),
        },
        body,
      });
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      // Never the URL in messages: it may carry a token in its query.
      return { message: `endpoint "${ep.name}" ${unreachable(err, ep.timeout)}` };
    }
    if (res.status >= 200 && res.status < 300) return 'delivered';
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      return { message: `endpoint "${ep.name}" answered HTTP ${res.status} to ${ev.id}`, delayMs: retryAfterMs(res.headers.get('retry-after'), this.now()) };
    }
    (this.opts.warn ?? activityWarn)(
      `webhook event ${ev.id} (${ev.type}) dropped: endpoint "${ep.name}" answered HTTP ${res.status}, which is not retried; check the endpoint's url and its receiver (docs/webhooks.md)`,
    );
    return 'dropped';
  }

  private memo(endpoint: string): Set<string> {
    let m = this.delivered.get(endpoint);
    if (!m) this.delivered.set(endpoint, (m = new Set()));
    return m;
  }
}

/**
 * The POST's timeout, and the activity's cancellation (its start-to-close timeout, a worker
 * shutdown), so a request of a timed-out attempt does not race the retry's own request.
 */
function requestSignal(timeoutMs: number): AbortSignal {
  try {
    return AbortSignal.any([AbortSignal.timeout(timeoutMs), Context.current().cancellationSignal]);
  } catch {
    return AbortSignal.timeout(timeoutMs); // not inside an activity (tests call the sink directly)
  }
}

function remember(memo: Set<string>, id: string): void {
  memo.add(id);
  if (memo.size > MEMO_MAX) memo.delete(memo.values().next().value!);
}

function unreachable(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `did not answer within ${timeoutMs} ms`;
  return `is unreachable (${e.cause?.code ?? e.cause?.message ?? e.message})`;
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The sink when `webhooks.endpoints` is not empty; secrets are read now so a missing one stops the start. */
export function webhookSinkFromConfig(config: () => Config, env: NodeJS.ProcessEnv = process.env): WebhookSink | undefined {
  const endpoints = config().webhooks.endpoints;
  if (endpoints.length === 0) return undefined;
  endpoints.forEach((ep, i) => {
    try {
      readSecret(ep.secret, env);
    } catch (err) {
      throw new Error(`webhooks.endpoints[${i}].secret (endpoint "${ep.name}"): ${(err as Error).message}`);
    }
  });
  return new WebhookSink({
    config: () => config().webhooks,
    env,
    links: () => {
      const c = config();
      return { apiUrl: c.api.publicUrl, temporalUiUrl: c.temporal.uiUrl, temporalNamespace: c.temporal.namespace };
    },
  });
}
