// The silences contract (issue 14 item 3): one long-lived workflow `silences` holds every active
// silence with its expiry timer; the api creates and removes them by Update, the worker's routing
// lookup reads them from an in-memory copy refreshed by the `silences` query, so checking costs an
// incident no Temporal round trip. Incidents opened under a silence wait for `silenceEnded`.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './definitions';
import type { Matcher } from './policy/matcher';

export const SILENCES_WORKFLOW_ID = 'silences';
export const SILENCES_WORKFLOW_TYPE = 'silencesWorkflow';
/** Silences are bounded so a forgotten one cannot hide a cluster for weeks. */
export const SILENCE_LIMITS_MS = { min: 60_000, max: 7 * 24 * 3_600_000 } as const;

export interface Silence {
  /** `s-<n>`, unique within the workflow's life (carried across continue-as-new). */
  id: string;
  matchers: Matcher[];
  /** Canonical text of the matchers, as shown in chat. */
  matcher: string;
  createdBy: string;
  createdAt: string;
  until: string;
  untilMs: number;
  reason?: string;
}

/** What routing hands an incident opened under a silence or a maintenance window. */
export interface SilencedBy {
  /** Silence id, or `maintenance:<name>` for a config window. */
  id: string;
  until: string;
  matcher: string;
  reason?: string;
}

export interface CreateSilenceInput {
  actor: Actor;
  /** Alertmanager matcher text, e.g. `{namespace="shop", kind=~"Pod|Deployment"}`. */
  matcher: string;
  durationMs: number;
  reason?: string;
}
export interface RemoveSilenceInput {
  actor: Actor;
  id: string;
}

export type SilenceResult = { outcome: 'done' | 'already' | 'refused'; message: string; silence?: Silence };

export interface SilencesInput {
  silences?: Silence[];
  nextId?: number;
  /** Incidents waiting for a silence to end: `silence id -> workflow ids`, told by `silenceEnded`. */
  waiting?: Record<string, string[]>;
  /** Audit entries published so far (stable event ids across continue-as-new). */
  published?: number;
  startedAt?: string;
  historyLimit?: number;
}

export const createSilenceUpdate = defineUpdate<SilenceResult, [CreateSilenceInput]>('createSilence');
export const removeSilenceUpdate = defineUpdate<SilenceResult, [RemoveSilenceInput]>('removeSilence');
/** An incident opened under a silence asks to be told when it ends (early removal included). */
export const watchSilenceSignal = defineSignal<[{ silenceId: string; workflowId: string }]>('watchSilence');
export const silencesQuery = defineQuery<Silence[]>('silences');
/** Sent to a waiting incident when its silence expired or was removed. */
export const silenceEndedSignal = defineSignal<[{ silenceId: string; why: string }]>('silenceEnded');
