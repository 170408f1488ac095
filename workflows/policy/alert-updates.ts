// How long occurrence-driven alert updates wait to coalesce. A storm (occurrences arriving faster than
// the card is refreshed) doubles the wait after each refresh up to STORM_DEBOUNCE_CAP_MS, so 100
// incidents with a flood of occurrences each do not cost a chat.update every 2 s (Slack allows about
// 50 a minute per workspace) and a card update activity, timer and two workflow tasks each time;
// once an incident is quiet for a whole wait, the next change waits the configured debounce again.
// System changes alone (page, diagnostics, escalation) wait the debounce: a new incident's first
// seconds are not a storm.
// A person's action never waits (alerting.ts), and a zero debounce stays zero (no timer at all).

/** The longest an occurrence-driven card update waits during a storm (unless the debounce itself is longer). */
export const STORM_DEBOUNCE_CAP_MS = 30_000;

/**
 * The wait before the next occurrence-driven update.
 * @param baseMs the configured debounce (`alertUpdateDebounce`, or the routing rule's)
 * @param lastWaitMs the wait before the previous update (undefined: none yet)
 * @param sinceUpdateMs time from the previous update to the change now waiting (undefined: none yet)
 * @param byOccurrence an occurrence is among the changes waiting
 */
export function nextAlertUpdateWait(baseMs: number, lastWaitMs: number | undefined, sinceUpdateMs: number | undefined, byOccurrence: boolean): number {
  if (baseMs <= 0) return 0;
  if (!byOccurrence || lastWaitMs === undefined || sinceUpdateMs === undefined) return baseMs;
  // Quiet for a whole wait since the last update: not a storm (any more).
  if (sinceUpdateMs >= lastWaitMs) return baseMs;
  return Math.max(baseMs, Math.min(STORM_DEBOUNCE_CAP_MS, lastWaitMs * 2));
}
