// Events as describe shows them (newest last), and the time an event happened, whichever of its
// timestamps is set.
import type { CoreV1Event } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { age, oneLine, table, toMs, type Time } from '../format';

export function eventTime(e: CoreV1Event): number {
  return toMs(e.lastTimestamp) ?? toMs(e.eventTime as Time) ?? toMs(e.firstTimestamp) ?? toMs(e.metadata?.creationTimestamp) ?? 0;
}

/** Newest last, like kubectl. */
export function sortEvents(events: CoreV1Event[]): CoreV1Event[] {
  return [...events].sort((a, b) => eventTime(a) - eventTime(b));
}

/** The Events block of describe output. */
export function eventsBlock(events: CoreV1Event[], now = Date.now()): string {
  if (!events.length) return '  <none>';
  return table(
    ['Type', 'Reason', 'Age', 'From', 'Message'],
    sortEvents(events).map((e) => [
      e.type ?? '',
      e.reason ?? '',
      `${age(new Date(eventTime(e)), now)}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`,
      e.source?.component ?? e.reportingComponent ?? '',
      oneLine(e.message ?? '', 240),
    ]),
    '  ',
  );
}
