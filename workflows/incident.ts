// The incident lifecycle: alert, diagnose, page, wait with escalation timers, ack, handoff,
// resolve (by a person or by observed recovery), postmortem. Handlers are registered first; state
// rules live in state.ts and policy/, so this file is only the orchestration over workflow time.
import * as wf from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ChatActivities } from '../activities/chat';
import type { PagingActivities } from '../activities/paging';
import type { DiagnosticsActivities } from '../activities/diagnostics';
import type { PostmortemActivities } from '../activities/postmortem';
import type { EscalationStep, PolicyActivities } from '../activities/policy';
import type { EventActivities } from '../activities/events';
import {
  acknowledgeUpdate,
  actionItemUpdate,
  handoffUpdate,
  incidentKey,
  noteSignal,
  occurrenceSignal,
  recoveredSignal,
  resolveUpdate,
  searchAttributes,
  stateQuery,
  type Anomaly,
  type IncidentInput,
  type IncidentResult,
  type IncidentState,
  type Severity,
} from './definitions';
import { nowIso, nowMs } from './clock';
import { PATCH } from './versioning';
import { addTimeline, applyAck, applyActionItem, applyHandoff, applyOccurrence, applyResolve, initialState, resolveAs, validateActor, validateText } from './state';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' } as const;
// Temporal task priorities (1 runs first): under a burst the server hands the worker first alerts
// and pages, critical ones first, before card updates, thread replies and diagnostics, and event
// sinks and postmortems last. The chat rate budgets in the worker queue calls by the same key.
const urgentPriority = (severity: Severity) => ({ priorityKey: severity === 'critical' ? 1 : severity === 'error' ? 2 : 3 });
const LATER = { priorityKey: 4 };
const LAST = { priorityKey: 5 };
// Chat and paging retry for up to a day: a chat outage must delay the alert, not lose it. A call
// may wait for its rate budget in the worker (heartbeating every 10 s), hence the long start-to-close;
// the 30 s heartbeat timeout keeps a crashed worker's call retried as soon as the old 30 s limit did.
const chatOptions = { startToCloseTimeout: '5m', heartbeatTimeout: '30s', scheduleToCloseTimeout: '24h', retry } as const;
const chat = wf.proxyActivities<ChatActivities & PagingActivities>({ ...chatOptions, priority: LATER });
const urgentChat = (severity: Severity) => wf.proxyActivities<ChatActivities & PagingActivities>({ ...chatOptions, priority: urgentPriority(severity) });
// A person's ack, hand-off or resolve goes ahead of the debounced card updates of a burst.
const personChat = wf.proxyActivities<ChatActivities>({ ...chatOptions, priority: { priorityKey: 2 } });
const diagnostics = wf.proxyActivities<DiagnosticsActivities>({ startToCloseTimeout: '2m', heartbeatTimeout: '30s', retry: { ...retry, maximumAttempts: 3 }, priority: LATER });
// The postmortem store retries until its backend is back, however long that takes.
const postmortem = wf.proxyActivities<PostmortemActivities>({ startToCloseTimeout: '1m', retry: { ...retry, maximumInterval: '5m' }, priority: LAST });
// Event sinks (archive, pager) must eventually get every entry, so they retry without limit.
const events = wf.proxyActivities<EventActivities>({ startToCloseTimeout: '1m', retry: { ...retry, maximumInterval: '5m' }, priority: LAST });
const policy = wf.proxyLocalActivities<PolicyActivities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 5 } });

/** History length after which a run continues as new (the server may suggest it earlier). */
export const DEFAULT_HISTORY_LIMIT = 5_000;

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentResult> {
  const info = wf.workflowInfo();
  const resumed = 'resume' in input;
  const s: IncidentState = resumed ? input.resume : initialState(info.workflowId, input.anomaly, nowIso());
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  let names: Record<string, string> = {};
  const name = (id: string) => names[id] ?? id;
  let dirty = false; // the alert shows an older state than `s`
  let urgent = false; // a person acted: the alert must show it now, not after the debounce
  let updating = false;
  let wakeups = 0; // bumped by handoffs so a running wait restarts for the new responder
  let debounceMs = 2_000;

  // What chat activities get: the state without timeline and full diagnostics, which messages do
  // not show. Every activity input is stored in history, so this keeps history small.
  // The card needs no history, except who made a pending hand-off (they are not offered Ack).
  const alertView = (): IncidentState => ({
    ...s,
    timeline: s.handoffPendingTo ? s.timeline.filter((e) => e.type === 'handoff').slice(-1) : [],
    diagnostics: s.diagnostics && { ...s.diagnostics, sections: [] },
  });
  let lastAttributes = '';
  const changed = (byPerson = false) => {
    dirty = true;
    urgent ||= byPerson;
    // Upsert only real changes: each upsert is a history event, and occurrences are frequent.
    const next = JSON.stringify([s.status, s.severity, s.namespace, s.assignee]);
    if (next !== lastAttributes) upsertSearchAttributes(s);
    lastAttributes = next;
  };

  // ---- handlers first, so nothing delivered in the first activation is lost -------------------
  wf.setHandler(occurrenceSignal, (a: Anomaly) => {
    if (s.status === 'resolved') return; // late stragglers of a resolved run; a new run handles recurrences
    applyOccurrence(s, a, nowIso());
    changed();
  });
  wf.setHandler(recoveredSignal, (r) => {
    if (s.status === 'resolved' || s.recovery) return;
    s.recovery = { observedAt: r.observedAt, receivedAt: nowIso(), message: r.message };
    addTimeline(s, { at: nowIso(), type: 'recovered', actor: 'system', text: `Recovery observed: ${r.message}` });
    changed();
  });
  wf.setHandler(
    acknowledgeUpdate,
    (u) => {
      const r = applyAck(s, u, nowIso(), name);
      if (r.outcome !== 'already') changed(r.outcome === 'done');
      return r;
    },
    { validator: (u) => validateActor(u?.actor) },
  );
  wf.setHandler(
    handoffUpdate,
    (u) => {
      const r = applyHandoff(s, u, nowIso(), name);
      if (r.outcome === 'done') wakeups++;
      if (r.outcome !== 'already') changed(r.outcome === 'done');
      return r;
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.toRequested, 'toRequested', { required: true, max: 200 });
        validateText(u.note, 'note', { required: false, max: 2_000 });
      },
    },
  );
  wf.setHandler(
    resolveUpdate,
    (u) => {
      const r = applyResolve(s, u, nowIso(), name);
      if (r.outcome !== 'already') changed(r.outcome === 'done');
      return r;
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.summary, 'summary', { required: true, max: 4_000 });
      },
    },
  );
  wf.setHandler(noteSignal, (n) => {
    addTimeline(s, { at: nowIso(), type: n.type, actor: n.actor, text: n.text });
  });
  wf.setHandler(
    actionItemUpdate,
    (u) => applyActionItem(s, u.actor, u.text.trim(), nowIso(), name),
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.text, 'text', { required: true, max: 2_000 });
      },
    },
  );
  wf.setHandler(stateQuery, () => s);

  if (resumed) {
    for (const a of input.pendingOccurrences ?? []) applyOccurrence(s, a, nowIso());
    s.generation += 1;
  }
  changed();
  dirty = false;
  names = await policy.peopleNames();

  // ---- alert ----------------------------------------------------------------------------------
  if (!resumed) {
    const routing = await policy.routeAnomaly(input.anomaly);
    s.policyId = routing.policyId;
    s.autoResolve = routing.autoResolve;
    s.alertDebounceMs = routing.alertUpdateDebounceMs;
    for (const channel of routing.channels) {
      try {
        s.messages.push(await urgentChat(s.severity).postAlert({ channel, state: alertView() }));
        addTimeline(s, { at: nowIso(), type: 'alerted', actor: 'system', text: `Alert posted to ${channel.platform} #${channel.channel} (rule ${routing.rule})` });
      } catch (err) {
        addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Alert to ${channel.platform} #${channel.channel} failed: ${failureMessage(err)}` });
      }
    }
    dirty = true; // the posts may predate occurrences that arrived meanwhile
  }
  debounceMs = s.alertDebounceMs ?? debounceMs;

  // ---- concurrent branches: alert updater, diagnostics, recovery watch, escalation -------------
  let stopping = false;
  const updater = (async () => {
    for (;;) {
      await wf.condition(() => dirty || stopping);
      if (!dirty) return;
      if (wf.patched(PATCH.instantHumanUpdates)) {
        // Only occurrences and system changes wait to coalesce; a person's action cuts the wait
        // short, and a zero debounce starts no timer at all.
        if (!stopping && !urgent && debounceMs > 0) await wf.condition(() => urgent || stopping, debounceMs);
      } else if (!stopping) await wf.sleep(debounceMs); // before the patch: every change waited
      const forPerson = urgent;
      dirty = false;
      urgent = false;
      updating = true;
      try {
        if (s.messages.length) await (forPerson ? personChat : chat).updateAlerts({ refs: s.messages, state: alertView() });
      } catch (err) {
        addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Updating the alert failed: ${failureMessage(err)}` });
      } finally {
        updating = false;
      }
    }
  })();

  // Publishes new timeline entries to the event sinks in order, in batches; the start index makes
  // every entry's id stable, so a retried batch is a no-op for the sinks.
  let publishing = false;
  const publisher = (async () => {
    for (;;) {
      await wf.condition(() => s.timeline.length > (s.publishedUpTo ?? 0) || stopping);
      const from = s.publishedUpTo ?? 0;
      if (s.timeline.length <= from) return;
      const entries = s.timeline.slice(from, from + 100);
      publishing = true;
      try {
        await events.publishEvents({
          incident: { id: s.id, key: incidentKey(s), cluster: s.cluster, namespace: s.namespace, severity: s.severity, kind: s.kind, status: s.status, resource: s.owner ?? s.resource },
          startIndex: from,
          entries,
        });
        s.publishedUpTo = from + entries.length;
      } catch (err) {
        // Only permanent failures get here (retries are unlimited): record them and move on, past
        // the note itself too, so a sink that always refuses cannot loop on its own failure note.
        addTimeline(s, { at: nowIso(), type: 'note', actor: 'system', text: `Event sinks refused entries ${from}-${from + entries.length - 1}: ${failureMessage(err)}` });
        s.publishedUpTo = s.timeline.length;
      } finally {
        publishing = false;
      }
    }
  })();

  const diagnosing = s.diagnostics ? Promise.resolve() : runDiagnostics();
  let diagnosed = !!s.diagnostics;
  void diagnosing.then(() => (diagnosed = true));

  async function runDiagnostics(): Promise<void> {
    const anomaly: Anomaly = {
      cluster: s.cluster, fingerprint: s.fingerprint, kind: s.kind, severity: s.severity, resource: s.resource,
      owner: s.owner, reason: s.reason, message: s.message, labels: s.labels, observedAt: s.occurrences.lastSeen,
    };
    try {
      s.diagnostics = await diagnostics.runDiagnostics(anomaly);
    } catch (err) {
      s.diagnostics = { available: false, digest: `Diagnostics failed: ${failureMessage(err)}`, sections: [] };
    }
    addTimeline(s, { at: nowIso(), type: 'diagnostics', actor: 'system', text: s.diagnostics.digest, data: { available: s.diagnostics.available } });
    for (const ref of s.messages) {
      try {
        await chat.replyInThread({ ref, key: `${incidentKey(s)}/diagnostics`, text: `Diagnostics: ${s.diagnostics.digest}`, incidentId: s.id });
      } catch (err) {
        addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Posting diagnostics failed: ${failureMessage(err)}` });
      }
    }
    changed();
  }

  const historyTooLong = () => wf.workflowInfo().continueAsNewSuggested || wf.workflowInfo().historyLength > historyLimit;
  const shouldContinueAsNew = () => s.status !== 'resolved' && diagnosed && historyTooLong();

  // A function, not `s.status` inline: TypeScript would narrow the status across awaits.
  const isResolved = () => s.status === 'resolved';
  const recovery = (async () => {
    while (s.status !== 'resolved') {
      await wf.condition(() => s.status === 'resolved' || (!!s.recovery && s.autoResolve.enabled) || shouldContinueAsNew());
      if (isResolved() || shouldContinueAsNew()) return;
      if (!s.recovery) continue; // a recurrence in the same activation already cancelled it
      const since = Date.parse(s.recovery.receivedAt);
      const quietLeft = Math.max(0, since + s.autoResolve.quietPeriodMs - nowMs());
      const marker = s.recovery;
      const interrupted = await wf.condition(() => s.status === 'resolved' || s.recovery !== marker || shouldContinueAsNew(), quietLeft);
      if (!interrupted && s.recovery === marker && !isResolved()) {
        resolveAs(s, 'system', `Recovered: ${marker.message}`, nowIso(), `Auto-resolved: recovery held for the quiet period (${marker.message})`, name);
        changed();
      }
    }
  })();

  const escalation = escalate();

  async function escalate(): Promise<void> {
    while (s.status !== 'resolved') {
      if (shouldContinueAsNew()) return;
      if (s.status === 'acknowledged') {
        await wf.condition(() => s.status !== 'acknowledged' || shouldContinueAsNew());
        continue;
      }
      const wake = wakeups;
      if (s.level === 0) {
        s.level = 1;
        s.repeat = 0;
      }
      let step: EscalationStep;
      try {
        step = await policy.escalationStep({ policyId: s.policyId, level: s.level, repeat: s.repeat, atMs: nowMs() });
      } catch (err) {
        // e.g. the policy was removed from the config: say so, keep the incident open for people.
        addTimeline(s, { at: nowIso(), type: 'page-failed', actor: 'system', text: `Escalation stopped: ${failureMessage(err)}` });
        changed();
        await wf.condition(() => s.status !== 'triggered' || wakeups !== wake || shouldContinueAsNew());
        continue;
      }
      const pageKey = s.handoffPendingTo ? `handoff${s.handoffCount ?? 0}` : `L${s.level}R${s.repeat}`;
      if (s.pagedFor !== pageKey) {
        const targets = s.handoffPendingTo ? [{ personId: s.handoffPendingTo, name: name(s.handoffPendingTo) }] : step.targets;
        if (!s.handoffPendingTo) s.assignee = targets[0]?.personId;
        await page(targets, pageKey, step.via);
        s.pagedFor = pageKey;
        s.escalateAtMs = nowMs() + step.delayMs;
        changed();
      }
      if (s.status !== 'triggered' || wakeups !== wake) continue;
      const acted = await wf.condition(
        () => s.status !== 'triggered' || wakeups !== wake || shouldContinueAsNew(),
        Math.max(0, (s.escalateAtMs ?? nowMs()) - nowMs()),
      );
      if (acted) continue;
      if (!step.next) {
        if (s.pagedFor !== 'exhausted') {
          addTimeline(s, { at: nowIso(), type: 'escalated', actor: 'system', text: 'Escalation policy exhausted: nobody acknowledged; paging stops until someone acts' });
          s.pagedFor = 'exhausted';
          changed();
        }
        await wf.condition(() => s.status !== 'triggered' || wakeups !== wake || shouldContinueAsNew());
        continue;
      }
      const from = s.level;
      s.level = step.next.level;
      s.repeat = step.next.repeat;
      s.handoffPendingTo = undefined;
      addTimeline(s, { at: nowIso(), type: 'escalated', actor: 'system', text: `No acknowledgement: escalating from level ${from} to level ${s.level}${s.repeat ? ` (repeat ${s.repeat})` : ''}`, data: { level: s.level, repeat: s.repeat } });
      changed();
    }
  }

  async function page(targets: { personId: string; name: string }[], pageKey: string, via: string[]): Promise<void> {
    if (targets.length === 0) {
      addTimeline(s, { at: nowIso(), type: 'page-failed', actor: 'system', text: `Nobody is on call for level ${s.level} of policy ${s.policyId}` });
      return;
    }
    for (const t of targets) {
      // Someone acted while earlier targets were paged: page nobody else.
      if (s.status !== 'triggered') return;
      const text = `you are paged for ${s.kind} on ${(s.owner ?? s.resource).kind}/${(s.owner ?? s.resource).name} in ${s.cluster} (${s.severity}). Reply /ack to take it.`;
      try {
        const receipt = await urgentChat(s.severity).pagePerson({ incidentId: s.id, key: `${incidentKey(s)}/page/${pageKey}/${t.personId}`, personId: t.personId, refs: s.messages, text, via, severity: s.severity });
        addTimeline(s, { at: nowIso(), type: 'paged', actor: 'system', text: `Paged ${t.name} (level ${s.level}) via ${receipt.delivered.join(', ')}`, data: { personId: t.personId, level: s.level, repeat: s.repeat } });
      } catch (err) {
        addTimeline(s, { at: nowIso(), type: 'page-failed', actor: 'system', text: `Paging ${t.name} failed: ${failureMessage(err)}`, data: { personId: t.personId } });
      }
    }
  }

  await escalation;
  await recovery;

  if (s.status !== 'resolved') {
    // History grew too long: hand the state to a fresh run once handlers and the updater are idle.
    stopping = true;
    await updater;
    await publisher;
    await wf.condition(() => wf.allHandlersFinished() && !updating && !publishing);
    return await wf.continueAsNew<typeof incidentWorkflow>({ resume: s, historyLimit: input.historyLimit });
  }

  // ---- resolved: postmortem, then a final alert refresh ----------------------------------------
  await diagnosing;
  let summary: string;
  let itemsInPostmortem = s.actionItems?.length ?? 0;
  // `/incident action` can still arrive after the postmortem was compiled: append those to it.
  const appendLateActionItems = async () => {
    while (s.postmortemId && (s.actionItems?.length ?? 0) > itemsInPostmortem) {
      const items = s.actionItems!.slice(itemsInPostmortem);
      await postmortem.appendActionItems({ id: s.postmortemId, items });
      itemsInPostmortem += items.length;
    }
  };
  try {
    const stored = await postmortem.storePostmortem(s);
    s.postmortemId = stored.id;
    summary = stored.summary;
    addTimeline(s, { at: nowIso(), type: 'postmortem', actor: 'system', text: stored.summary, data: { id: stored.id } });
  } catch (err) {
    // Only permanent failures arrive here (the store retries without limit): the incident still
    // closes, and the thread says why there is no postmortem.
    summary = `The postmortem could not be stored: ${failureMessage(err)}`;
    addTimeline(s, { at: nowIso(), type: 'postmortem', actor: 'system', text: summary });
  }
  for (const ref of s.messages) {
    try {
      await chat.replyInThread({ ref, key: `${incidentKey(s)}/postmortem`, text: `Resolved. ${summary}`, incidentId: s.id });
    } catch (err) {
      addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Posting the postmortem link failed: ${failureMessage(err)}` });
    }
  }
  changed();
  stopping = true;
  await updater;
  await publisher;
  await wf.condition(() => wf.allHandlersFinished());
  await appendLateActionItems();
  // Who held and who closed this run: the incident list tells runs of one id apart without a query.
  return { id: s.id, status: s.status, postmortemId: s.postmortemId, openedAt: s.openedAt, assignee: s.assignee, resolvedBy: s.resolvedBy };
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

function failureMessage(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause;
  return cause?.message ?? (err as Error).message ?? String(err);
}
