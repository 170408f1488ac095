// PagerDuty Events API v2: a Pager that sends `trigger` when an escalation level says
// `via: [pagerduty]`, and an EventSink that mirrors the incident's acknowledgement and resolution
// as `acknowledge` / `resolve`. The dedup_key is the incident id (the workflow id), so PagerDuty
// folds retries and repeated pages into one alert, and acks and resolves reach that alert.
import { ApplicationFailure } from '@temporalio/common';
import type { Config, Person } from '../../../config/schema';
import type { PagerDutyConfig } from './config';
import { readSecret } from '../../../config/load';
import { parseIncidentWorkflowId } from '../../../workflows/definitions';
import { ErrorTypes, permanentFailure, rateLimited, unavailable } from '../../errors';
import type { EventBatch, EventSink } from '../../events';
import type { PageInput, Pager } from '..';
import { activityWarn } from '../../log';

export const PD_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
type PdSeverity = (typeof PD_SEVERITIES)[number];
const SUMMARY_MAX = 1024;
const DEDUP_MAX = 255;

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PdSeverity;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}

export interface PagerDutyOptions {
  /** The current `paging.pagerduty` section (read per call, so key changes apply to open incidents). */
  config: () => PagerDutyConfig;
  /** Where routing-key secrets are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Link for `client_url`, e.g. the api's public URL. */
  clientUrl?: () => string | undefined;
  /** Where skipped mirror events are reported (default: the activity's log, with the incident's ids). */
  warn?: (message: string) => void;
}

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Sends one event; every failure is typed for Temporal (429/5xx retried, 4xx permanent). */
export async function sendPagerDutyEvent(baseUrl: string, event: PagerDutyEvent, timeoutMs: number): Promise<{ dedup_key: string }> {
  const url = `${baseUrl.replace(/\/+$/, '')}/v2/enqueue`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw unavailable(`PagerDuty at ${baseUrl} is unreachable: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { status?: string; message?: string; dedup_key?: string; errors?: string[] };
  if (res.status === 202 || res.status === 200) return { dedup_key: body.dedup_key ?? event.dedup_key };
  if (res.status === 429) {
    const seconds = Number(res.headers.get('retry-after'));
    throw rateLimited(`PagerDuty is throttling events (${body.message ?? 'HTTP 429'})`, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5_000);
  }
  if (res.status >= 500) throw unavailable(`PagerDuty answered HTTP ${res.status}${body.message ? ` (${body.message})` : ''}`);
  if (res.status === 400) {
    const why = body.errors?.length ? body.errors.join('; ') : (body.message ?? 'invalid event');
    throw permanentFailure(ErrorTypes.invalidRequest, `PagerDuty rejected the ${event.event_action} event: ${why}`);
  }
  if (res.status === 401 || res.status === 403) throw permanentFailure(ErrorTypes.invalidAuth, `PagerDuty refused the event (HTTP ${res.status}): check the routing key`);
  throw permanentFailure(ErrorTypes.invalidRequest, `PagerDuty answered HTTP ${res.status} to ${url}: check paging.pagerduty.url`);
}

/** Our severities are PagerDuty's four; pages from older workflow runs carry none: `error`. */
function severityOf(severity: PdSeverity | undefined): PdSeverity {
  return severity ?? 'error';
}

export function createPagerDuty(opts: PagerDutyOptions): { pager: Pager; sink: EventSink } {
  const env = opts.env ?? process.env;
  const warn = opts.warn ?? activityWarn;
  const key = (ref: Parameters<typeof readSecret>[0], where: string) => {
    try {
      return readSecret(ref, env);
    } catch (err) {
      throw permanentFailure(ErrorTypes.invalidAuth, `PagerDuty routing key ${where}: ${(err as Error).message}`);
    }
  };
  /** Every routing key in the config: acks and resolves go to each (PagerDuty ignores unknown dedup keys). */
  const allKeys = (cfg: PagerDutyConfig): string[] => {
    const keys = Object.entries(cfg.people).map(([id, ref]) => key(ref, `of ${id}`));
    if (cfg.routingKey) keys.unshift(key(cfg.routingKey, '(routingKey)'));
    return [...new Set(keys)];
  };

  const pager: Pager = {
    name: 'pagerduty',
    async page(input: PageInput, person: Person): Promise<string[]> {
      const cfg = opts.config();
      if (!cfg.enabled) throw permanentFailure(ErrorTypes.invalidRequest, 'paging via "pagerduty" is not enabled: set paging.pagerduty.enabled or remove it from the escalation level');
      const own = cfg.people[person.id];
      const ref = own ?? cfg.routingKey;
      if (!ref) throw permanentFailure(ErrorTypes.personUnreachable, `${person.name} has no PagerDuty routing key: set paging.pagerduty.people.${person.id} or paging.pagerduty.routingKey`);
      const routingKey = key(ref, own ? `of ${person.id}` : '(routingKey)');
      const cluster = parseIncidentWorkflowId(input.incidentId)?.cluster ?? 'kubernetes';
      const clientUrl = opts.clientUrl?.();
      await sendPagerDutyEvent(
        cfg.url,
        {
          routing_key: routingKey,
          event_action: 'trigger',
          dedup_key: cut(input.incidentId, DEDUP_MAX),
          payload: {
            summary: cut(`${person.name}: ${input.text}`, SUMMARY_MAX),
            source: cut(cfg.source ?? cluster, 255),
            severity: severityOf(input.severity),
            component: 'k8s-incident-flow',
            custom_details: { incident: input.incidentId, person: person.id, page: input.key },
          },
          client: 'k8s-incident-flow',
          ...(clientUrl ? { client_url: `${clientUrl}/chat#incident=${encodeURIComponent(input.incidentId)}` } : {}),
        },
        cfg.requestTimeout,
      );
      return [own ? `pagerduty (${person.id}'s service)` : 'pagerduty'];
    },
  };

  const sink: EventSink = {
    name: 'pagerduty',
    async publish(batch: EventBatch): Promise<void> {
      const actions = batch.entries.flatMap((e) => (e.type === 'acknowledged' ? (['acknowledge'] as const) : e.type === 'resolved' ? (['resolve'] as const) : []));
      if (actions.length === 0) return;
      const cfg = opts.config();
      if (!cfg.enabled) return;
      try {
        // Acknowledge and resolve are idempotent at PagerDuty, so a retried batch is harmless.
        for (const action of actions)
          for (const routingKey of allKeys(cfg))
            await sendPagerDutyEvent(cfg.url, { routing_key: routingKey, event_action: action, dedup_key: cut(batch.incident.id, DEDUP_MAX) }, cfg.requestTimeout);
      } catch (err) {
        // Outages and throttling are retried (rethrown); a rejected event will not get better by
        // retrying, and failing the shared publish would stall every sink of the incident: warn.
        if (!(err instanceof ApplicationFailure) || !err.nonRetryable) throw err;
        warn(`PagerDuty mirror of ${batch.incident.id} skipped: ${err.message}`);
      }
    },
  };
  return { pager, sink };
}

/** The pager and sink when `paging.pagerduty.enabled`; routing keys are read now so a missing one stops the start. */
export function pagerDutyFromConfig(config: () => Config, env: NodeJS.ProcessEnv = process.env): { pager: Pager; sink: EventSink } | undefined {
  const cfg = config().paging.pagerduty;
  if (!cfg?.enabled) return undefined;
  if (cfg.routingKey) readSecret(cfg.routingKey, env);
  for (const ref of Object.values(cfg.people)) readSecret(ref, env);
  return createPagerDuty({
    // Disabled by a reload: pages fail with a clear reason (the pager checks), the mirror stops.
    config: () => config().paging.pagerduty ?? { ...cfg, enabled: false },
    env,
    clientUrl: () => config().api.publicUrl,
  });
}
