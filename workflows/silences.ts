// One durable workflow (`silences`) holds every active silence with its expiry timer (issue 14
// item 3). Updates create and remove them (validators reject malformed calls; refusals by
// authorization are answered and audited, like incident commands); a query lists them, which the
// worker's routing lookup copies into memory every few seconds. Creation, removal and expiry are
// published to the event sinks (archive, webhooks) in order with stable ids, and incidents opened
// under a silence are told when it ends. Deterministic: workflow time only.
import * as wf from '@temporalio/workflow';
import type { EventActivities } from '../activities/events';
import type { ChatActivities } from '../activities/chat';
import type { ConfigLookupActivities } from '../activities/config-lookups';
import type { TimelineEntry } from './definitions';
import { nowIso, nowMs } from './clock';
import { validateActor, validateText } from './state';
import { formatMatchers, parseMatchers } from './policy/matcher';
import { authorizeSilence, authorizeUnsilence } from './policy/silences';
import { formatDuration } from '../config/duration';
import {
  createSilenceUpdate,
  removeSilenceUpdate,
  silenceEndedSignal,
  silencesQuery,
  watchSilenceSignal,
  SILENCE_LIMITS_MS,
  type Silence,
  type SilenceResult,
  type SilencesInput,
} from './silences-definitions';

const events = wf.proxyActivities<EventActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

// Announcements retry for a day like other chat calls; a chat outage delays them, never the silences.
const chat = wf.proxyActivities<ChatActivities>({ startToCloseTimeout: '5m', heartbeatTimeout: '30s', scheduleToCloseTimeout: '24h', retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' } });
const lookups = wf.proxyLocalActivities<ConfigLookupActivities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 5 } });

const DEFAULT_HISTORY_LIMIT = 2_000;

export async function silencesWorkflow(input: SilencesInput = {}): Promise<void> {
  const id = wf.workflowInfo().workflowId;
  const startedAt = input.startedAt ?? nowIso();
  let silences: Silence[] = [...(input.silences ?? [])];
  let nextId = input.nextId ?? 1;
  const waiting: Record<string, string[]> = { ...(input.waiting ?? {}) };
  const audit: TimelineEntry[] = [];
  const ended: { silence: Silence; why: string }[] = [];
  let published = input.published ?? 0;
  let changes = 0;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;

  const end = (silence: Silence, why: string, actor: string) => {
    silences = silences.filter((x) => x.id !== silence.id);
    audit.push({ at: nowIso(), type: 'silence', actor, text: `Silence ${silence.id} ${silence.matcher} ended: ${why}`, data: { id: silence.id, event: 'ended', why } });
    // Held-back incidents have their own timer to `until`: only an early end is news for them
    // (one signal fewer per incident, and no signal racing their timer at expiry).
    if (why === 'expired') delete waiting[silence.id];
    else ended.push({ silence, why });
  };

  wf.setHandler(silencesQuery, () => silences);
  wf.setHandler(watchSilenceSignal, ({ silenceId, workflowId }) => {
    // Removed before the incident asked: tell it at once (an expired one ends by the incident's timer).
    if (!silences.some((x) => x.id === silenceId)) ended.push({ silence: { id: silenceId } as Silence, why: 'it had already ended' });
    (waiting[silenceId] ??= []).push(workflowId);
  });
  wf.setHandler(
    createSilenceUpdate,
    (u): SilenceResult => {
      const matchers = parseMatchers(u.matcher); // the validator parsed it already
      const auth = authorizeSilence(u.actor, matchers);
      const who = u.actor.personId ?? u.actor.via;
      const matcher = formatMatchers(matchers);
      if (!auth.allowed) {
        audit.push({ at: nowIso(), type: 'refused', actor: who, text: `Refused silence ${matcher} by ${u.actor.display} (${u.actor.via}): ${auth.reason}` });
        return { outcome: 'refused', message: auth.reason };
      }
      const untilMs = nowMs() + u.durationMs;
      const silence: Silence = { id: `s-${nextId++}`, matchers, matcher, createdBy: who, createdAt: nowIso(), until: new Date(untilMs).toISOString(), untilMs, ...(u.reason ? { reason: u.reason } : {}) };
      silences.push(silence);
      changes++;
      const reason = u.reason ? ` (${u.reason})` : '';
      audit.push({ at: nowIso(), type: 'silence', actor: who, text: `Silence ${silence.id} ${matcher} created by ${u.actor.display} (${u.actor.via}) for ${formatDuration(u.durationMs)} until ${silence.until}${reason}`, data: { id: silence.id, event: 'created', until: silence.until } });
      return { outcome: 'done', message: `Silenced ${matcher} until ${silence.until} as ${silence.id}${reason}. Matching alerts are held back (counted and archived) and alert when it ends; /incident unsilence ${silence.id} ends it early.`, silence };
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        parseMatchers(u.matcher);
        validateText(u.reason, 'reason', { required: false, max: 500 });
        if (typeof u.durationMs !== 'number' || !Number.isInteger(u.durationMs) || u.durationMs < SILENCE_LIMITS_MS.min || u.durationMs > SILENCE_LIMITS_MS.max)
          throw new Error(`durationMs must be whole milliseconds from ${formatDuration(SILENCE_LIMITS_MS.min)} to ${formatDuration(SILENCE_LIMITS_MS.max)}`);
      },
    },
  );
  wf.setHandler(
    removeSilenceUpdate,
    (u): SilenceResult => {
      const silence = silences.find((x) => x.id === u.id);
      if (!silence) return { outcome: 'already', message: `There is no active silence ${u.id} (it may have expired). /incident silences lists the active ones.` };
      const auth = authorizeUnsilence(u.actor, silence);
      const who = u.actor.personId ?? u.actor.via;
      if (!auth.allowed) {
        audit.push({ at: nowIso(), type: 'refused', actor: who, text: `Refused unsilence ${silence.id} by ${u.actor.display} (${u.actor.via}): ${auth.reason}` });
        return { outcome: 'refused', message: auth.reason };
      }
      end(silence, `removed by ${u.actor.display} (${u.actor.via})`, who);
      changes++;
      return { outcome: 'done', message: `Silence ${silence.id} ${silence.matcher} removed; held-back incidents that are still open alert now.`, silence };
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.id, 'id', { required: true, max: 100 });
      },
    },
  );

  const historyTooLong = () => wf.workflowInfo().continueAsNewSuggested || wf.workflowInfo().historyLength > historyLimit;
  for (;;) {
    const seen = changes;
    const next = silences.reduce((min, x) => Math.min(min, x.untilMs), Infinity);
    // Wakes for audit entries to publish, incidents to tell, a new silence (an earlier expiry), or the earliest expiry.
    const wake = () => audit.length > 0 || ended.length > 0 || changes !== seen || historyTooLong();
    await (Number.isFinite(next) ? wf.condition(wake, Math.max(1, next - nowMs())) : wf.condition(wake));
    for (const x of silences.filter((x) => x.untilMs <= nowMs())) end(x, 'expired', 'system');
    await tellWaiting(ended.splice(0), waiting);
    if (audit.length) {
      const batch = audit.splice(0);
      await announce(batch.filter((e) => e.type === 'silence'), published, startedAt);
      try {
        await events.publishEvents({
          incident: { id, key: `${id}@${startedAt}`, cluster: '(all)', severity: 'info', kind: 'Silences', status: 'resolved', resource: { kind: 'Silences', name: id } },
          startIndex: published,
          entries: batch,
        });
      } catch (err) {
        wf.log.warn('event sinks refused silence audit entries', { from: published, count: batch.length, error: String(err) });
      }
      published += batch.length;
    }
    if (historyTooLong() && audit.length === 0 && ended.length === 0) break;
  }
  await wf.condition(() => wf.allHandlersFinished());
  await wf.continueAsNew<typeof silencesWorkflow>({ silences, nextId, waiting, published, startedAt, historyLimit: input.historyLimit });
}

/** Signals each incident waiting for an ended silence; an incident already closed is fine. */
async function tellWaiting(ended: { silence: Silence; why: string }[], waiting: Record<string, string[]>): Promise<void> {
  for (const { silence, why } of ended) {
    const ids = waiting[silence.id] ?? [];
    delete waiting[silence.id];
    for (const workflowId of ids) {
      try {
        await wf.getExternalWorkflowHandle(workflowId).signal(silenceEndedSignal, { silenceId: silence.id, why });
      } catch (err) {
        wf.log.info('incident waiting for a silence is gone', { workflowId, error: String(err) });
      }
    }
  }
}

/** Posts each silence change to the announce channels; a failure is logged, never blocks the silences. */
async function announce(entries: TimelineEntry[], firstIndex: number, startedAt: string): Promise<void> {
  if (!entries.length) return;
  let channels: { platform: string; channel: string }[];
  try {
    channels = await lookups.silenceChannels();
  } catch (err) {
    wf.log.warn('silence announcements: no channels', { error: String(err) });
    return;
  }
  for (const [i, e] of entries.entries()) {
    for (const channel of channels) {
      try {
        await chat.postNotice({ channel, key: `silences@${startedAt}/notice/${firstIndex + i}`, text: e.text });
      } catch (err) {
        wf.log.warn('silence announcement failed', { channel: `${channel.platform}:${channel.channel}`, error: String(err) });
      }
    }
  }
}
