// The worker's incident series as the activities feed them: a batch counts its transitions only
// once every sink took it (a retried batch is not counted twice), time-to-ack comes from the
// opened-at in the incident key, and a failed outside call is counted by its error type and attempt.
import { MockActivityEnvironment } from '@temporalio/testing';
import { rateLimited } from '../../../activities/errors';
import { createEventActivities, type EventBatch, type EventSink } from '../../../activities/events';
import { countedCall, workerRegistry } from '../../../metrics/incidents';
import { parsePrometheusText, sampleSum } from '../../helpers/prom-text';

const scrape = async () => parsePrometheusText(await workerRegistry.metrics());
beforeEach(() => workerRegistry.resetMetrics());

const batch = (entries: EventBatch['entries']): EventBatch => ({
  incident: { id: 'incident/c1/fp', key: 'incident/c1/fp@2026-12-05T10:00:00.000Z', cluster: 'c1', severity: 'critical', kind: 'CrashLoopBackOff', status: 'acknowledged', resource: { kind: 'Pod', name: 'p' } },
  startIndex: 0,
  entries,
});

describe('the worker incident metrics', () => {
  it('count a batch once, after every sink took it, with time-to-ack from the opened-at', async () => {
    let fail = true;
    const flaky: EventSink = { name: 'archive', publish: async () => { if (fail) throw new Error('503'); } };
    const { publishEvents } = createEventActivities([flaky]);
    const entries = [
      { at: '2026-12-05T10:00:00.000Z', type: 'detected' as const, text: 'x' },
      { at: '2026-12-05T10:02:00.000Z', type: 'acknowledged' as const, text: 'ack' },
    ];
    await expect(publishEvents(batch(entries))).rejects.toThrow('503');
    expect(sampleSum(await scrape(), 'incidents_opened_total')).toBe(0);
    fail = false;
    await publishEvents(batch(entries));
    const m = await scrape();
    expect(sampleSum(m, 'incidents_opened_total', { cluster: 'c1', severity: 'critical' })).toBe(1);
    expect(sampleSum(m, 'incidents_acknowledged_total', { cluster: 'c1' })).toBe(1);
    expect(sampleSum(m, 'incident_time_to_ack_seconds_sum', { cluster: 'c1' })).toBe(120);
    expect(sampleSum(m, 'worker_external_calls_total', { system: 'sink', platform: 'archive', outcome: 'error', error_type: 'Error' })).toBe(1);
    expect(sampleSum(m, 'worker_external_calls_total', { system: 'sink', platform: 'archive', outcome: 'ok' })).toBe(1);
  });

  it('count a 429 as RateLimited and a Temporal retry as attempt=retry, rethrowing the failure', async () => {
    const limited = () => Promise.reject(rateLimited('slow down', 2000));
    await expect(new MockActivityEnvironment({ attempt: 2 }).run(() => countedCall('chat', 'slack', 'postAlert', limited))).rejects.toThrow('slow down');
    const m = await scrape();
    expect(sampleSum(m, 'worker_external_calls_total', { platform: 'slack', outcome: 'error', error_type: 'RateLimited', attempt: 'retry' })).toBe(1);
    expect(sampleSum(m, 'worker_external_calls_total', { attempt: 'first' })).toBe(0);
  });
});
