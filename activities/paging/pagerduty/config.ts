// paging.pagerduty: the Events API v2 pager and event mirror (events.ts). Its endpoint defaults to
// PagerDuty's public service and can be pointed elsewhere (a proxy, the test fake).
import { z } from 'zod';
import { durationWithin, secretRef as secret } from '../../../config/primitives';

const personKey = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a person id');

export const pagerdutySchema = z
  .object({
    enabled: z.boolean().default(false).describe('Page via PagerDuty on escalation levels with `via: [pagerduty]`, and mirror acks and resolves to it.'),
    url: z.string().url().default('https://events.pagerduty.com').describe('Events API v2 base URL (`/v2/enqueue` is appended).'),
    routingKey: secret.optional().describe('Integration (routing) key of the PagerDuty service paged by default, as a secret reference.'),
    people: z.record(personKey, secret).default({}).describe('Per-person routing keys (a service per responder), by person id; they win over `routingKey`.'),
    source: z.string().min(1).max(255).optional().describe('`payload.source` of triggers; default: the incident\'s cluster.'),
    requestTimeout: z.string().default('10s').pipe(durationWithin(100)).describe('How long one Events API call may take before the activity retries, e.g. "10s".'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.enabled && !p.routingKey && Object.keys(p.people).length === 0)
      ctx.addIssue({ code: 'custom', path: ['routingKey'], message: 'PagerDuty needs a routing key: set routingKey (a service integration key) or people.<id>' });
  })
  .optional()
  .describe('PagerDuty Events API v2: pages and the incident mirror.');

export type PagerDutyConfig = NonNullable<z.output<typeof pagerdutySchema>>;

/**
 * Cross-references on the raw config (config/schema.ts's referenceProblems calls this): PagerDuty
 * keys for people not on the roster, escalation levels paging via PagerDuty while it is off.
 */
export function pagerdutyProblems(cfg: Record<string, any>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const pd = cfg.paging?.pagerduty;
  const people = new Set(arr(cfg.people).map((p) => p?.id));
  for (const id of Object.keys(pd?.people ?? {}))
    if (!people.has(id)) out.push({ path: ['paging', 'pagerduty', 'people', id], message: `unknown person "${id}"; routing keys are per roster person` });
  arr(cfg.escalationPolicies).forEach((p, pi) =>
    arr(p?.levels).forEach((l, li) => {
      if (arr(l?.via).includes('pagerduty') && pd?.enabled !== true)
        out.push({ path: ['escalationPolicies', pi, 'levels', li, 'via'], message: 'pages via "pagerduty" but paging.pagerduty is not enabled' });
    }),
  );
  return out;
}
