// The one place where the incident workflow's public contract is defined: signals, updates,
// queries, search-attribute keys, the task queue and the workflow-id builder. Workflow, api and
// watcher all import from here, so a rename is a compile error instead of a silent mismatch.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TASK_QUEUE = 'incidents';
export const INCIDENT_WORKFLOW_TYPE = 'incidentWorkflow';

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
/**
 * Temporal task priority key by severity (1 runs first): an incident's workflow tasks (set at
 * start) and its first alert and pages, so under a burst critical incidents go first.
 */
export const severityPriorityKey = (s: Severity): number => (s === 'critical' ? 1 : s === 'error' ? 2 : 3);

export const STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

/** `incident/<cluster>/<fingerprint>`: the dedup key of the whole product. */
export function incidentWorkflowId(cluster: string, fingerprint: string): string {
  return `incident/${cluster}/${fingerprint}`;
}

/**
 * One occurrence of a problem: the workflow id alone repeats when a resolved problem returns, so
 * idempotency keys, event ids and the postmortem id are built on `<workflow id>@<opened at>`.
 */
export function incidentKey(s: { id: string; openedAt: string }): string {
  return `${s.id}@${s.openedAt}`;
}

/** Inverse of {@link incidentWorkflowId}; undefined for ids that are not incident ids. */
export function parseIncidentWorkflowId(id: string): { cluster: string; fingerprint: string } | undefined {
  const m = /^incident\/([^/]+)\/(.+)$/.exec(id);
  return m ? { cluster: m[1]!, fingerprint: m[2]! } : undefined;
}

export const searchAttributes = {
  status: defineSearchAttributeKey('IncidentStatus', SearchAttributeType.KEYWORD),
  severity: defineSearchAttributeKey('IncidentSeverity', SearchAttributeType.KEYWORD),
  cluster: defineSearchAttributeKey('K8sCluster', SearchAttributeType.KEYWORD),
  namespace: defineSearchAttributeKey('K8sNamespace', SearchAttributeType.KEYWORD),
  assignee: defineSearchAttributeKey('IncidentAssignee', SearchAttributeType.KEYWORD),
} as const;
export const SEARCH_ATTRIBUTE_NAMES = Object.values(searchAttributes).map((k) => k.name);

// ---------------------------------------------------------------------------------------------
// Anomalies (what the watcher and POST /api/anomalies send)

export interface ResourceRef {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
}

export interface Anomaly {
  cluster: string;
  /** Stable across restarts; groups by top owner (one Deployment = one incident). */
  fingerprint: string;
  /** Detector kind, e.g. CrashLoopBackOff, ImagePullBackOff, NodeNotReady. */
  kind: string;
  severity: Severity;
  resource: ResourceRef;
  /** The top owner the fingerprint is grouped on, when different from the resource. */
  owner?: ResourceRef;
  reason: string;
  message: string;
  labels: Record<string, string>;
  /** ISO-8601 time the anomaly was observed. */
  observedAt: string;
  /** How many raw occurrences this signal stands for (the intake coalesces). Default 1. */
  count?: number;
  /** What the alert's author wrote for people (Alertmanager's summary/description/runbook_url). */
  annotations?: AlertAnnotations;
}

/** Shown in the alert; `runbookUrl` (http or https only) also answers `/incident runbook`. */
export interface AlertAnnotations {
  summary?: string;
  description?: string;
  runbookUrl?: string;
}

export interface Recovery {
  observedAt: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// People acting on incidents. Identity comes from the platform the request was signed by; the api
// maps it to a roster person (or null when the platform user is not on the roster).

export type Role = 'responder' | 'admin';

/** Roles limited to clusters (and namespaces); an absent list means "all". */
export interface Grant {
  roles: Role[];
  clusters?: string[];
  namespaces?: string[];
}

export interface Actor {
  /** Roster person id, or null when the platform identity maps to no one on the roster. */
  personId: string | null;
  /** Roles everywhere. */
  roles: Role[];
  /** Roles limited to some clusters/namespaces. Absent in histories recorded before grants existed. */
  grants?: Grant[];
  /** Where the action came from, e.g. `local:alice`, `api:ops-token`, `slack:U123`. */
  via: string;
  /** Display name for messages; never used for authorization. */
  display: string;
}

export interface AckInput {
  actor: Actor;
}
export interface HandoffInput {
  actor: Actor;
  /** Roster person id of the new responder, or null when the named person is unknown. */
  to: string | null;
  /** What the caller typed for the target, kept for the refusal message and the audit trail. */
  toRequested: string;
  /**
   * The target's roles and grants as the config had them when the api resolved `to`: a hand-off to
   * someone who may not act on this incident's cluster/namespace is refused. Absent in histories
   * recorded before; the workflow then does not check.
   */
  toAccess?: { roles: Role[]; grants?: Grant[] };
  note?: string;
}
export interface ResolveInput {
  actor: Actor;
  summary: string;
}

/** What a person can do to an incident: buttons, commands, REST actions and authorization all use it. */
export type IncidentAction = 'ack' | 'handoff' | 'resolve';

/** Commands beyond the buttons (issue 14 item 5), authorized like an ack (reopen: on a resolved incident). */
export type IncidentCommand = 'severity' | 'escalate' | 'snooze' | 'reopen';

export interface SeverityInput {
  actor: Actor;
  severity: Severity;
}
export interface EscalateInput {
  actor: Actor;
}
/** Snoozes are bounded so a forgotten one cannot silence an incident for days. */
export const SNOOZE_LIMITS_MS = { min: 60_000, max: 24 * 3_600_000 } as const;
export interface SnoozeInput {
  actor: Actor;
  /** Whole milliseconds within SNOOZE_LIMITS_MS. */
  durationMs: number;
}
export interface ReopenInput {
  actor: Actor;
  reason?: string;
}

export type CommandOutcome = 'done' | 'already' | 'refused';
export interface CommandResult {
  outcome: CommandOutcome;
  /** A sentence for the person who asked, e.g. "Acknowledged by Alice." */
  message: string;
  status: IncidentStatus;
}

// ---------------------------------------------------------------------------------------------
// Incident view (the `state` query) and workflow input

export interface MessageRef {
  platform: string;
  channel: string;
  /** Platform message id (Slack ts, local id, Teams activity id). */
  id: string;
  /**
   * Platform data needed to reach the message again, kept durably in workflow state (e.g. a Teams
   * conversation reference: serviceUrl, conversation id, tenant).
   */
  meta?: Record<string, string>;
}

export type TimelineType =
  | 'detected'
  | 'alerted'
  | 'alert-failed'
  | 'diagnostics'
  | 'paged'
  | 'page-failed'
  | 'escalated'
  | 'snoozed'
  | 'severity'
  | 'reopened'
  | 'acknowledged'
  | 'handoff'
  | 'refused'
  | 'recovered'
  | 'recurred'
  | 'resolved'
  | 'postmortem'
  | 'action-item'
  | 'kubectl'
  // Silences (issue 14 item 3): an incident held back, a silence created/removed/expired (audit).
  | 'silenced'
  | 'unsilenced'
  | 'silence'
  | 'note';

export interface TimelineEntry {
  at: string;
  type: TimelineType;
  text: string;
  /** Roster person id or `system`. */
  actor?: string;
  data?: Record<string, unknown>;
}

export interface OccurrenceSample {
  observedAt: string;
  reason: string;
  message: string;
  resource: ResourceRef;
}

export interface DiagnosticsSection {
  title: string;
  /** Redacted, size-capped text. */
  body: string;
}
export interface DiagnosticsReport {
  available: boolean;
  /** Short digest posted into the alert thread. */
  digest: string;
  sections: DiagnosticsSection[];
}

export interface AutoResolvePolicy {
  enabled: boolean;
  quietPeriodMs: number;
}

export interface IncidentState {
  id: string;
  cluster: string;
  fingerprint: string;
  kind: string;
  status: IncidentStatus;
  severity: Severity;
  resource: ResourceRef;
  owner?: ResourceRef;
  namespace?: string;
  labels: Record<string, string>;
  reason: string;
  message: string;
  /** From the newest anomaly that carried any (Alertmanager annotations). */
  annotations?: AlertAnnotations;
  openedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  summary?: string;
  /** Person currently responsible (acked or being paged as handoff target). */
  assignee?: string;
  /** Handoff target that has been paged but has not acked yet. */
  handoffPendingTo?: string;
  responders: string[];
  policyId: string;
  /** 1-based escalation level currently paged. 0 before the first page. */
  level: number;
  /** How many times the whole ladder has been walked (0 on the first pass). */
  repeat: number;
  occurrences: { count: number; firstSeen: string; lastSeen: string; samples: OccurrenceSample[] };
  /** Set while a recovery is observed and not contradicted; `receivedAt` is workflow time. */
  recovery?: { observedAt: string; receivedAt: string; message: string };
  autoResolve: AutoResolvePolicy;
  timeline: TimelineEntry[];
  messages: MessageRef[];
  diagnostics?: DiagnosticsReport;
  postmortemId?: string;
  /** Follow-ups collected during the incident (`/incident action <text>`), for the postmortem. */
  actionItems?: { text: string; by: string; at: string }[];
  /** How many timeline entries were published to the event sinks (archive, pager). */
  publishedUpTo?: number;
  /** Times this run was continued-as-new, for operators reading the history. */
  generation: number;
  // Bookkeeping carried across continue-as-new so a new run never repeats a page or a post.
  /** Which page was last sent: `L<level>R<repeat>`, `handoff<n>` or `exhausted`. */
  pagedFor?: string;
  /** Workflow time (ms) when the current wait escalates. */
  escalateAtMs?: number;
  /** Escalation paused until `untilMs` (workflow time) by `/incident snooze`; an ack, hand-off or resolve ends it. */
  snooze?: { until: string; untilMs: number; by: string };
  /** Times a person reopened this incident (`/incident reopen`). */
  reopenCount?: number;
  handoffCount?: number;
  alertDebounceMs?: number;
  /**
   * Set while a silence or maintenance window holds the incident back (no alert, no page) until it
   * ends; `alerted` records that the held-back alert went out (issue 14 item 3).
   */
  silenced?: { id: string; until: string; matcher: string; reason?: string; ended?: string; channels?: { platform: string; channel: string }[]; rule?: string };
  /** A resolved incident recurred within the flap window and was reopened (issue 14 item 4). */
  flapping?: boolean;
  /** Times the incident reopened by flapping. */
  flapCount?: number;
  /** How long the resolved run stays open for a recurrence (routing, from incidents.flapWindow); absent before flapping existed. */
  flapWindowMs?: number;
}

/** `historyLimit`: history events after which a run continues as new (tests set it low). */
export type IncidentInput =
  | { anomaly: Anomaly; historyLimit?: number }
  | { resume: IncidentState; historyLimit?: number };

export interface IncidentResult {
  id: string;
  status: IncidentStatus;
  postmortemId?: string;
  /** Absent in runs closed before these were returned. */
  openedAt?: string;
  assignee?: string;
  resolvedBy?: string;
}

// ---------------------------------------------------------------------------------------------
// Signals, updates, queries

export interface ActionItemInput {
  actor: Actor;
  text: string;
}

/** A fact to add to the timeline from outside (e.g. a `/kubectl` run in the incident thread). */
export interface TimelineNote {
  type: 'kubectl' | 'note';
  /** Roster person id or platform identity of who caused it. */
  actor: string;
  text: string;
}

export const occurrenceSignal = defineSignal<[Anomaly]>('occurrence');
export const noteSignal = defineSignal<[TimelineNote]>('note');
export const recoveredSignal = defineSignal<[Recovery]>('recovered');

export const acknowledgeUpdate = defineUpdate<CommandResult, [AckInput]>('acknowledge');
export const handoffUpdate = defineUpdate<CommandResult, [HandoffInput]>('handoff');
export const resolveUpdate = defineUpdate<CommandResult, [ResolveInput]>('resolve');
export const actionItemUpdate = defineUpdate<CommandResult, [ActionItemInput]>('actionItem');
export const setSeverityUpdate = defineUpdate<CommandResult, [SeverityInput]>('setSeverity');
export const escalateNowUpdate = defineUpdate<CommandResult, [EscalateInput]>('escalateNow');
export const snoozeUpdate = defineUpdate<CommandResult, [SnoozeInput]>('snooze');
export const reopenUpdate = defineUpdate<CommandResult, [ReopenInput]>('reopen');

export const stateQuery = defineQuery<IncidentState>('state');
