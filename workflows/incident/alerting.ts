// The alert: posted once to every channel the routing rule selects, then kept current by one
// debounced updater, so 500 occurrences are not 500 card updates while a person's action shows at once.
import * as wf from '@temporalio/workflow';
import type { Anomaly } from '../definitions';
import { nowIso, nowMs } from '../clock';
import { addTimeline } from '../state';
import { nextAlertUpdateWait } from '../policy/alert-updates';
import { PATCH } from '../versioning';
import { failureMessage, type IncidentRun } from './context';
import { chat, lookups, personChat, urgentChat } from './proxies';
import { holdBack } from './silenced';

/**
 * Routes the new incident by the current config (channels, escalation policy, auto-resolve, alert
 * debounce) and posts the first alert to each channel; a failed post is a timeline entry, not a failure.
 */
export async function routeAndAlert(run: IncidentRun, anomaly: Anomaly): Promise<void> {
  const { s } = run;
  const routing = await lookups.routeAnomaly(anomaly, nowMs());
  s.policyId = routing.policyId;
  s.autoResolve = routing.autoResolve;
  s.alertDebounceMs = routing.alertUpdateDebounceMs;
  if (routing.flapWindowMs !== undefined) s.flapWindowMs = routing.flapWindowMs;
  // A silence or maintenance window holds the alert back (silenced.ts posts it when it ends).
  if (routing.silenced) return await holdBack(run, routing);
  await postAlerts(run, routing.channels, routing.rule);
}

/** Posts the first alert to each channel; a failed post is a timeline entry, not a failure. */
export async function postAlerts(run: IncidentRun, channels: { platform: string; channel: string }[], rule: string): Promise<void> {
  const { s } = run;
  for (const channel of channels) {
    try {
      s.messages.push(await urgentChat(s.severity).postAlert({ channel, state: run.alertView() }));
      addTimeline(s, { at: nowIso(), type: 'alerted', actor: 'system', text: `Alert posted to ${channel.platform} #${channel.channel} (rule ${rule})` });
    } catch (err) {
      addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Alert to ${channel.platform} #${channel.channel} failed: ${failureMessage(err)}` });
    }
  }
  run.dirty = true; // the posts may predate occurrences that arrived meanwhile
}

/** Pushes the newest state to every posted alert whenever it is dirty, until the run stops. */
export async function updateAlerts(run: IncidentRun): Promise<void> {
  const { s } = run;
  let lastWaitMs: number | undefined; // the wait before the previous update
  let lastUpdateMs: number | undefined; // workflow time of the previous update
  for (;;) {
    await wf.condition(() => run.dirty || run.stopping);
    if (!run.dirty) return;
    if (wf.patched(PATCH.instantHumanUpdates)) {
      // Only occurrences and system changes wait to coalesce; a person's action cuts the wait
      // short, and a zero debounce starts no timer at all.
      if (!run.stopping && !run.urgent && run.debounceMs > 0) {
        let wait = nextAlertUpdateWait(run.debounceMs, lastWaitMs, lastUpdateMs === undefined ? undefined : nowMs() - lastUpdateMs, run.occurred);
        // Histories from before the storm backoff waited the debounce every time.
        if (wait > run.debounceMs && !wf.patched(PATCH.stormBackoff)) wait = run.debounceMs;
        lastWaitMs = wait;
        await wf.condition(() => run.urgent || run.stopping, wait);
      }
    } else if (!run.stopping) await wf.sleep(run.debounceMs); // before the patch: every change waited
    lastUpdateMs = nowMs();
    run.occurred = false;
    const forPerson = run.urgent;
    run.flushes++;
    run.dirty = false;
    run.urgent = false;
    run.updating = true;
    try {
      if (s.messages.length) await (forPerson ? personChat : chat).updateAlerts({ refs: s.messages, state: run.alertView() });
    } catch (err) {
      addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Updating the alert failed: ${failureMessage(err)}` });
    } finally {
      run.updating = false;
    }
  }
}
