// P4's pure readings (bench/lib/capacity.ts): the timer lateness from a workflow history and the
// sticky-cache counters from the SDK's Prometheus text, used alike for the incident and raw workers.
import { temporal } from '@temporalio/proto';
import { latenessFromHistory, parseCacheCounters } from '../../../bench/lib/capacity';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const dur = (ms: number) => ({ seconds: ms / 1000 });

/** A history: alert activity, a timer of `delayMs` (id 2) started at 1,000 ms, fired, then the page scheduled at `pageAt`. */
function history(delayMs: number, pageAt?: number, fired = true) {
  // fromObject: times as the server sends them (Long seconds), as fetchHistory() returns them.
  const events = [
    { eventTime: at(0), workflowExecutionStartedEventAttributes: {} },
    { eventTime: at(500), activityTaskScheduledEventAttributes: { activityId: '1' } },
    { eventTime: at(900), timerStartedEventAttributes: { timerId: '1', startToFireTimeout: dur(600_000) } },
    { eventTime: at(1_000), timerStartedEventAttributes: { timerId: '2', startToFireTimeout: dur(delayMs) } },
    ...(fired ? [{ eventTime: at(1_000 + delayMs + 100), timerFiredEventAttributes: { timerId: '2' } }] : []),
    ...(pageAt === undefined ? [] : [{ eventTime: at(pageAt), activityTaskScheduledEventAttributes: { activityId: '2' } }]),
  ];
  return events.map((e) => temporal.api.history.v1.HistoryEvent.fromObject(e));
}

describe('P4 timer lateness from history', () => {
  it('measures from the timer of the level-1 duration being due to the first activity scheduled after it fired', () => {
    expect(latenessFromHistory(history(30_000, 31_250), 30_000)).toBe(250);
  });

  it('ignores timers of other durations and activities scheduled before the timer fired', () => {
    // The 600 s timer and the alert activity at 500 ms must not count: only timer 2 and the page after it.
    expect(latenessFromHistory(history(60_000, 61_000), 60_000)).toBe(0);
  });

  it('reports nothing for a timer that has not fired, or fired with no activity after it yet', () => {
    expect(latenessFromHistory(history(30_000, undefined, false), 30_000)).toBeUndefined();
    expect(latenessFromHistory(history(30_000), 30_000)).toBeUndefined();
    expect(latenessFromHistory(history(30_000, 31_000), 45_000)).toBeUndefined();
  });
});

describe('P4 sticky-cache counters', () => {
  it('sums each counter over its label sets, with or without the temporal_ prefix', () => {
    const text = [
      '# TYPE temporal_sticky_cache_hit counter',
      'temporal_sticky_cache_hit{namespace="default",task_queue="incidents"} 40',
      'temporal_sticky_cache_hit{namespace="default",task_queue="other"} 2',
      'sticky_cache_miss 7',
      'temporal_sticky_cache_size{namespace="default"} 500',
    ].join('\n');
    expect(parseCacheCounters(text)).toEqual({ sticky_cache_hit: 42, sticky_cache_miss: 7, sticky_cache_forced_eviction: 0 });
  });

  it('reports zero for counters not yet incremented (absent from the text)', () => {
    expect(parseCacheCounters('')).toEqual({ sticky_cache_hit: 0, sticky_cache_miss: 0, sticky_cache_forced_eviction: 0 });
  });
});
