// The state every concern of one incident run shares: the incident view `s` (what the `state`
// query returns and continue-as-new carries) plus the run's bookkeeping flags. One typed object,
// instead of locals captured by closures, so alerting.ts, escalation.ts and the others each read
// alone and say which flags they touch.
import * as wf from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { searchAttributes, type Actor, type CommandResult, type IncidentState } from '../definitions';

export class IncidentRun {
  /** Roster names by person id, read once per run from the current config (timeline texts). */
  names: Record<string, string> = {};
  /** The alert shows an older state than `s`. */
  dirty = false;
  /** A person acted: the alert must show it now, not after the debounce. */
  urgent = false;
  /** An occurrence changed the incident since the alert was last updated (a storm backs the updates off). */
  occurred = false;
  /** Bumped each time the alert updater pushes a state (after its debounce): the publisher's beat. */
  flushes = 0;
  /** An alert update is in flight (continue-as-new waits for it). */
  updating = false;
  /** A batch of timeline entries is on its way to the event sinks (continue-as-new waits for it). */
  publishing = false;
  /** Bumped by hand-offs so a running escalation wait restarts for the new responder. */
  wakeups = 0;
  /** How long occurrence-driven alert updates wait to coalesce (the routing rule may change it). */
  debounceMs = 2_000;
  /** The run ends (resolved, or continuing as new): the alert updater and the publisher drain and stop. */
  stopping = false;
  /** Diagnostics have finished (a run continues as new only after that). */
  diagnosed = false;
  /**
   * A resolved run that can still go back to work: set while it waits out its flap window (issue 14
   * item 4). `/incident reopen` is accepted only then; otherwise the run is closing.
   */
  reopenable = false;
  /** Who a flap reopen re-notifies (an acknowledged incident's person); the flap loop sends it. */
  flapNotify?: string;
  /** Why the silence holding this incident back ended (silences workflow's `silenceEnded`), once told. */
  silenceEnded?: string;
  /** `/incident escalate` waiting for the escalation loop (which knows the ladder) to answer. */
  escalateRequest?: { actor: Actor; answer?: CommandResult };
  private lastAttributes = '';

  constructor(
    readonly s: IncidentState,
    /** History events after which the run continues as new. */
    readonly historyLimit: number,
  ) {}

  readonly name = (id: string): string => this.names[id] ?? id;

  /** Marks the alert out of date and keeps the search attributes in step with the state. */
  changed(byPerson = false): void {
    this.dirty = true;
    this.urgent ||= byPerson;
    // Upsert only real changes: each upsert is a history event, and occurrences are frequent.
    const s = this.s;
    const next = JSON.stringify([s.status, s.severity, s.namespace, s.assignee]);
    if (next !== this.lastAttributes) upsertSearchAttributes(s);
    this.lastAttributes = next;
  }

  /**
   * What chat activities get: the state without timeline and full diagnostics, which messages do
   * not show. Every activity input is stored in history, so this keeps history small. The card
   * needs no history, except who made a pending hand-off (they are not offered Ack).
   */
  alertView(): IncidentState {
    const s = this.s;
    return {
      ...s,
      timeline: s.handoffPendingTo ? s.timeline.filter((e) => e.type === 'handoff').slice(-1) : [],
      diagnostics: s.diagnostics && { ...s.diagnostics, sections: [] },
    };
  }

  // A method, not `s.status` inline: TypeScript would narrow the status across awaits.
  isResolved(): boolean {
    return this.s.status === 'resolved';
  }
}

function upsertSearchAttributes(s: IncidentState): void {
  wf.upsertSearchAttributes([
    { key: searchAttributes.status, value: s.status },
    { key: searchAttributes.severity, value: s.severity },
    { key: searchAttributes.cluster, value: s.cluster },
    ...(s.namespace ? [{ key: searchAttributes.namespace, value: s.namespace }] : []),
    { key: searchAttributes.assignee, value: s.assignee ?? null },
  ] as SearchAttributeUpdatePair[]);
}

/** The message a person can act on: an activity failure's cause, not the wrapper's text. */
export function failureMessage(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause;
  return cause?.message ?? (err as Error).message ?? String(err);
}
