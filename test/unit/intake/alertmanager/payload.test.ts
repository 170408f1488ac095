// The webhook notification (version 4) as Alertmanager sends it, and the fields a broken one is refused by.
import { parseWebhookPayload } from '../../../../intake/alertmanager/payload';

// Shaped like Alertmanager v0.35's notify/webhook output, including keys the mapping does not read.
const sent = () => ({
  receiver: 'incidents',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'KubePodCrashLooping', cluster: 'prod', severity: 'critical' },
      annotations: { summary: 'Crash looping', runbook_url: 'https://runbooks.example.com/x' },
      startsAt: '2026-03-02T10:15:00.123456789Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: '0123456789abcdef',
    },
  ],
  groupLabels: { alertname: 'KubePodCrashLooping' },
  commonLabels: { alertname: 'KubePodCrashLooping' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  version: '4',
  groupKey: '{}:{alertname="KubePodCrashLooping"}',
  truncatedAlerts: 0,
});

const fields = (raw: unknown) => {
  const r = parseWebhookPayload(raw);
  if (r.ok) throw new Error('expected a refusal');
  return r.fields;
};

describe('the Alertmanager webhook payload', () => {
  it('accepts what Alertmanager sends, ignoring keys it may add', () => {
    const r = parseWebhookPayload({ ...sent(), somethingNew: true });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.payload.alerts[0]).toMatchObject({ status: 'firing', fingerprint: '0123456789abcdef' });
  });

  it('defaults missing annotations to none', () => {
    const { annotations: _a, ...alert } = sent().alerts[0]!;
    const r = parseWebhookPayload({ ...sent(), alerts: [alert] });
    expect(r.ok && r.payload.alerts[0]!.annotations).toEqual({});
  });

  it('names each broken field by its path', () => {
    const alert = sent().alerts[0]!;
    expect(fields({ ...sent(), version: '3' })).toEqual([{ path: 'version', message: 'version must be "4" (the Alertmanager webhook payload this api speaks)' }]);
    expect(fields({ ...sent(), alerts: undefined })).toEqual([{ path: 'alerts', message: 'is required' }]);
    expect(fields({ ...sent(), alerts: [alert, { ...alert, status: 'pending' }] })).toEqual([{ path: 'alerts[1].status', message: 'status must be "firing" or "resolved"' }]);
    expect(fields({ ...sent(), alerts: [{ ...alert, labels: { a: 1 } }] })).toEqual([{ path: 'alerts[0].labels.a', message: 'labels values must be strings' }]);
    expect(fields({ ...sent(), alerts: [{ ...alert, startsAt: 'now' }] })).toEqual([{ path: 'alerts[0].startsAt', message: 'startsAt must be an RFC 3339 time, e.g. "2026-03-02T10:15:00Z"' }]);
    expect(fields([])).toEqual([{ path: '', message: 'the body must be a JSON object' }]);
  });
});
