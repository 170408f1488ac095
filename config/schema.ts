// The one typed configuration tree. Every process validates it once at start (config/load.ts);
// everything downstream receives the parsed `Config`, never raw YAML.
import { z } from 'zod';
import { SEVERITIES } from '../workflows/definitions';
import { parseDuration } from './duration';
import { calendarExists, duration, secretRef, timeZone } from './primitives';
export { duration, secretRef };
import { clustersSchema, kubectlSchema } from './schema-kubernetes';
import { chatIdsSchema, platformName, platformProblems, platformsSchema } from '../platforms/registry';
import { pagerdutyProblems, pagerdutySchema } from '../activities/paging/pagerduty/config';
import { elasticProblems, elasticsearchSchema, postmortemsSchema } from './schema-elastic';
import { temporalSchema, workerSchema } from './schema-temporal';
import { grantProblems } from './schema-grants';
import { intakeSchema } from './schema-intake';
import { telemetrySchema } from './schema-telemetry';
import { webhooksSchema } from '../activities/webhooks/config';
import { incidentsSchema, maintenanceSchema, silencesSchema } from './schema-silences';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lowercase id (letters, digits, ".", "_", "-")')
  .describe('A lowercase id: letters, digits, ".", "_", "-"');


const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day "HH:MM" (24h)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date "YYYY-MM-DD"');
const isoInstant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) && calendarExists(s), {
    message: 'expected an ISO-8601 time with a zone, e.g. "2026-03-29T09:00:00+02:00"',
  });
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const weekday = z.enum(WEEKDAYS);


const role = z.enum(['responder', 'admin']);
/** Roles limited to clusters (and namespaces); see docs/authorization.md. */
const grant = z
  .object({
    roles: z.array(role).min(1, 'a grant needs at least one role (responder or admin)').describe('Roles held inside this scope: responder, admin.'),
    clusters: z.array(z.string().min(1)).min(1).optional().describe('Clusters (names from clusters[]) this grant reaches; absent means every cluster.'),
    namespaces: z.array(z.string().min(1)).min(1).optional().describe('Namespaces this grant reaches; absent means every namespace and cluster-wide resources.'),
  })
  .strict();
const grants = z
  .array(grant)
  .optional()
  .describe('Roles limited to clusters/namespaces, for incidents and /kubectl. Global roles still apply everywhere.');

const person = z
  .object({
    id: id.describe('Referenced by schedules, escalation policies and api tokens'),
    name: z.string().min(1).describe('Display name'),
    // Default ['responder'], except for people with grants: their grants say where they may act.
    roles: z.array(role).optional().describe('Roles in every cluster (default: responder, or none when grants are given); admin (incident commander) may also hand off and resolve for others.'),
    grants,
    timezone: timeZone.optional().describe("The person's IANA time zone, e.g. Europe/Berlin"),
    email: z.string().email().optional().describe('Contact address; also how Slack and Mattermost find the person with lookupUsersByEmail'),
    chat: chatIdsSchema,
  })
  .strict()
  .transform((p) => ({ ...p, roles: p.roles ?? (p.grants ? [] : (['responder'] as const)).slice() }));

const restriction = z
  .object({
    days: z.array(weekday).min(1).default([...WEEKDAYS]).describe('Local days the window applies to'),
    from: hhmm.describe('Local start of the window, "HH:MM"'),
    to: hhmm.describe('Local end of the window, "HH:MM"'),
  })
  .strict();

const layer = z
  .object({
    name: z.string().optional().describe('A label'),
    rotation: z.enum(['daily', 'weekly']).describe('How often the shift passes to the next participant'),
    handoffTime: hhmm.default('09:00').describe("Local time (in the schedule's zone) when the shift changes hands."),
    handoffDay: weekday.default('mon').describe('For weekly rotations: the day the shift changes hands.'),
    start: isoDate.describe('The first shift starts on this local date with participants[0].'),
    participants: z.array(id).min(1).describe('People ids, in rotation order'),
    restrictions: z.array(restriction).optional().describe('When set, this layer only covers these local windows (e.g. business hours).'),
  })
  .strict();

const schedule = z
  .object({
    id: id.describe('Referenced by escalation targets ({ schedule: <id> })'),
    timezone: timeZone.describe("IANA zone of the schedule's dates and times (DST handled)"),
    layers: z.array(layer).min(1).describe('Evaluated top to bottom; the first layer covering the instant decides.'),
    overrides: z
      .array(
        z
          .object({
            person: id.describe('Who is on call instead'),
            from: isoInstant.describe('Start, ISO-8601 with a zone'),
            to: isoInstant.describe('End (after from), ISO-8601 with a zone'),
          })
          .strict(),
      )
      .default([])
      .describe('Someone covers from..to (ISO-8601 with zone), ahead of the layers'),
  })
  .strict();

const target = z.union([
  z.object({ schedule: id.describe('Whoever this schedule has on call at that moment') }).strict(),
  z.object({ person: id.describe('This person') }).strict(),
]);

const escalationPolicy = z
  .object({
    id: id.describe('Referenced by routing rules'),
    levels: z
      .array(
        z
          .object({
            targets: z.array(target).min(1).describe('{ schedule: <id> } (who is on call) or { person: <id> }'),
            delay: duration.describe('How long to wait for an ack before moving to the next level.'),
            via: z
              .array(z.enum(['chat', 'pagerduty']))
              .min(1)
              .default(['chat'])
              .describe('How this level is paged: `chat` is a direct message plus a mention in the alert thread; `pagerduty` a PagerDuty trigger (needs paging.pagerduty.enabled).'),
          })
          .strict(),
      )
      .min(1)
      .describe('The ladder: each level pages its targets, then waits its delay for an ack'),
    repeat: z.number().int().min(0).max(10).default(0).describe('How many times to walk the ladder again after the last level.'),
  })
  .strict();

const channelRef = z
  .object({
    platform: platformName.describe('Chat platform of the channel'),
    channel: z
      .string()
      .min(1)
      .describe('Slack: the channel ID (C0123ABCD); Mattermost: the 26-character channel ID; Discord: the channel id (17-20 digits); Teams: a name under platforms.teams.channels; local: the channel name'),
  })
  .strict();

const autoResolve = z
  .object({
    enabled: z.boolean().default(false).describe('Resolve an incident when recovery is reported and nothing recurs during the quiet period'),
    quietPeriod: duration.default(parseDuration('5m')!).describe('How long the recovery must hold first, e.g. "5m"'),
  })
  .strict();

const routeMatch = z
  .object({
    severity: z.array(z.enum(SEVERITIES)).optional().describe('Accepted severities'),
    cluster: z.array(z.string()).optional().describe('Accepted cluster names'),
    namespace: z.array(z.string()).optional().describe('Accepted namespaces'),
    kind: z.array(z.string()).optional().describe('Accepted anomaly kinds, e.g. CrashLoopBackOff'),
    labels: z.record(z.string(), z.string()).optional().describe('Label values the anomaly must carry'),
  })
  .strict();

const route = z
  .object({
    name: z.string().optional().describe('A label, shown in the timeline'),
    match: routeMatch.default({}).describe('All given fields must match (severity, cluster, namespace, kind, labels); empty matches all'),
    channels: z.array(channelRef).min(1).describe('{ platform, channel } to post the alert to'),
    policy: id.describe('Escalation policy id'),
    autoResolve: autoResolve.optional().describe('Overrides the top-level autoResolve for matching incidents'),
    runbook: z
      .string()
      .max(2000)
      .regex(/^https?:\/\/\S+$/i, 'runbook must be an http:// or https:// address')
      .optional()
      .describe("Runbook URL for incidents this rule routes: what /incident runbook answers when the alert carries no runbook_url annotation"),
  })
  .strict();

const apiToken = z
  .object({
    name: id.describe("The token's name, used in logs and the audit trail (never the value)"),
    token: secretRef.describe('The token value, at least 16 characters, each token its own'),
    roles: z.array(role).optional().describe('Roles of a service token (one without a person)'),
    person: id
      .optional()
      .describe('Act as this roster person (with their roles). Without it the token is a service token: it may read incidents and report anomalies, not act on them'),
    grants: grants.describe('Narrows a token bound to a person: it acts only where both the person and these grants allow.'),
  })
  .strict();

export const configSchema = z
  .object({
    temporal: temporalSchema,
    worker: workerSchema,
    /** Where the embedded defaults keep files (local chat, postmortems). */
    dataDir: z.string().default('./data').describe('Where the local chat history and postmortem files are written (api and worker need the same one with the file store)'),
    api: z
      .object({
        host: z.string().default('127.0.0.1').describe('Address the api listens on; 0.0.0.0 in a pod'),
        port: z.number().int().min(0).max(65535).default(8080).describe('Port the api listens on'),
        /** How people reach the api (links in chat). */
        publicUrl: z.string().url().optional().describe('How people (and chat platforms) reach the api, for links in chat'),
        /** Bearer tokens for REST and anomaly intake. Each maps to a roster person or acts as a service. */
        tokens: z.array(apiToken).default([]).describe('Bearer tokens for REST and anomaly intake. Without any, every /api request gets 401'),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, tokens: [] })
      .describe('The api process: REST, chat endpoints, /healthz, /readyz, /metrics'),
    people: z.array(person).min(1, 'at least one person is needed to page').describe('The roster: everyone who can be paged or act on incidents'),
    schedules: z.array(schedule).default([]).describe('On-call rotations: layers of participants, with overrides'),
    escalationPolicies: z.array(escalationPolicy).min(1).describe('Who is paged, how, and how long each level waits for an ack'),
    routing: z
      .object({
        rules: z.array(route).default([]).describe('Evaluated top to bottom; the first matching rule wins; default catches the rest'),
        default: route.omit({ match: true, name: true }).describe('Channels and policy for incidents no rule matches'),
      })
      .strict()
      .describe('Where alerts go and which escalation policy applies'),
    autoResolve: autoResolve
      .default({ enabled: false, quietPeriod: parseDuration('5m')! })
      .describe('Defaults for auto-resolve on observed recovery; routing rules may override'),
    alertUpdateDebounce: duration.default(parseDuration('2s')!).describe("Occurrences and system changes (pages, escalations, diagnostics) refresh the alert message at most this often (during a storm the wait doubles after each refresh, up to 30s, and comes back once the incident is quiet); a person's ack, hand-off or resolve refreshes it at once; 0ms refreshes after every change without a timer"),
    platforms: platformsSchema,
    postmortems: postmortemsSchema,
    elasticsearch: elasticsearchSchema,
    clusters: clustersSchema,
    /** Which anomalies the intake accepts (see config/schema-intake.ts). */
    intake: intakeSchema,
    kubectl: kubectlSchema,
    paging: z.object({ pagerduty: pagerdutySchema }).strict().default({}).describe('Paging outside chat (PagerDuty)'),
    webhooks: webhooksSchema,
    telemetry: telemetrySchema,
    maintenance: maintenanceSchema,
    silences: silencesSchema,
    incidents: incidentsSchema,
  })
  .strict();

/**
 * Cross-references (unknown people, schedules, policies). Runs on the raw input as well as it can,
 * so that one pass reports reference problems together with shape problems.
 */
export function referenceProblems(raw: unknown): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const obj = (v: unknown): Record<string, any> => (v && typeof v === 'object' ? (v as Record<string, any>) : {});
  const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const cfg = obj(raw);
  const ids = (list: unknown) => new Set(arr(list).map((x) => obj(x).id).filter((x): x is string => typeof x === 'string'));
  const people = ids(cfg.people);
  const schedules = ids(cfg.schedules);
  const policies = ids(cfg.escalationPolicies);
  const known = (set: Set<string>) => [...set].map((s) => `"${s}"`).join(', ') || '(none defined)';
  const ref = (value: unknown, set: Set<string>, what: string, plural: string, path: (string | number)[]) => {
    if (typeof value === 'string' && !set.has(value)) out.push({ path, message: `unknown ${what} "${value}"; ${plural} are ${known(set)}` });
  };
  const seen = new Set<string>();
  arr(cfg.people).forEach((p, i) => {
    const pid = obj(p).id;
    if (typeof pid === 'string' && seen.has(pid)) out.push({ path: ['people', i, 'id'], message: `duplicate person id "${pid}"` });
    seen.add(pid);
  });
  arr(cfg.schedules).forEach((s, si) => {
    arr(obj(s).layers).forEach((l, li) =>
      arr(obj(l).participants).forEach((p, pi) => ref(p, people, 'person', 'people', ['schedules', si, 'layers', li, 'participants', pi])),
    );
    arr(obj(s).overrides).forEach((o, oi) => {
      ref(obj(o).person, people, 'person', 'people', ['schedules', si, 'overrides', oi, 'person']);
      if (Date.parse(obj(o).to) <= Date.parse(obj(o).from)) out.push({ path: ['schedules', si, 'overrides', oi, 'to'], message: '"to" must be after "from"' });
    });
  });
  arr(cfg.escalationPolicies).forEach((p, pi) =>
    arr(obj(p).levels).forEach((l, li) =>
      arr(obj(l).targets).forEach((t, ti) => {
        const path = ['escalationPolicies', pi, 'levels', li, 'targets', ti];
        ref(obj(t).schedule, schedules, 'schedule', 'schedules', [...path, 'schedule']);
        ref(obj(t).person, people, 'person', 'people', [...path, 'person']);
      }),
    ),
  );
  const routing = obj(cfg.routing);
  arr(routing.rules).forEach((r, ri) => ref(obj(r).policy, policies, 'escalation policy', 'policies', ['routing', 'rules', ri, 'policy']));
  ref(obj(routing.default).policy, policies, 'escalation policy', 'policies', ['routing', 'default', 'policy']);
  arr(obj(cfg.api).tokens).forEach((t, ti) => ref(obj(t).person, people, 'person', 'people', ['api', 'tokens', ti, 'person']));
  const clusterNames = new Set(arr(cfg.clusters).map((c) => obj(c).name).filter((x): x is string => typeof x === 'string'));
  arr(obj(cfg.kubectl).channels).forEach((c, ci) => ref(obj(c).cluster, clusterNames, 'cluster', 'clusters', ['kubectl', 'channels', ci, 'cluster']));
  out.push(...grantProblems(cfg, clusterNames));
  out.push(...elasticProblems(cfg));
  out.push(...platformProblems(cfg));
  out.push(...pagerdutyProblems(cfg));
  return out;
}

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type Person = Config['people'][number];
export type Schedule = Config['schedules'][number];
export type ScheduleLayer = Schedule['layers'][number];
export type EscalationPolicy = Config['escalationPolicies'][number];
export type EscalationLevel = EscalationPolicy['levels'][number];
export type Route = Config['routing']['rules'][number];
export type ChannelRef = Route['channels'][number];
export type SecretRef = z.output<typeof secretRef>;
export type Weekday = (typeof WEEKDAYS)[number];
