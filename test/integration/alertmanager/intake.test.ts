// Alertmanager as a source: a real Alertmanager (scripts/setup-alertmanager.sh) whose webhook
// receiver is the api, with basic auth as its http_config sends it; the real Temporal dev server,
// the real worker and the local chat. Alerts go in through Alertmanager's own API, as Prometheus
// sends them; grouping and repeat notifications come from Alertmanager's timers (1s/2s/3s).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IncidentState } from '../../../workflows/definitions';
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import { searchAttributes } from '../../../workflows/definitions';
import { startAlertmanager, type PostableAlert, type RunningAlertmanager } from '../../helpers/alertmanager';
import { eventually, startStack, type Stack } from '../../helpers/stack';

const PASSWORD = randomBytes(24).toString('hex');
const RUNBOOK = 'https://runbooks.example.com/checkout/crashloop';
let stack: Stack;
let am: RunningAlertmanager;
let secrets: string;

beforeAll(async () => {
  secrets = mkdtempSync(join(tmpdir(), 'am-secrets-'));
  writeFileSync(join(secrets, 'password'), PASSWORD, { mode: 0o600 });
  stack = await startStack({
    worker: true,
    config: (raw) => {
      raw.autoResolve = { enabled: true, quietPeriod: '1s' };
      raw.intake.alertmanager = { basicAuth: { username: 'alertmanager', password: { fromFile: join(secrets, 'password') } } };
    },
  });
  am = await startAlertmanager({ webhookUrl: `${stack.url}/api/alertmanager`, auth: { basic: { username: 'alertmanager', password: PASSWORD } } });
}, 120_000);
afterAll(async () => {
  await am?.stop();
  await stack?.stop();
  rmSync(secrets, { recursive: true, force: true });
});

const json = async (res: Response): Promise<any> => res.json();
const crashLooping = (cluster: string, pod: string, extra: Partial<PostableAlert> = {}): PostableAlert => ({
  labels: { alertname: 'KubePodCrashLooping', cluster, namespace: 'shop', pod, deployment: 'checkout', severity: 'critical' },
  annotations: { summary: `Pod shop/${pod} is crash looping`, description: 'More than 5 restarts in 10 minutes.', runbook_url: RUNBOOK },
  ...extra,
});

/** Incident ids of a cluster, from Temporal's visibility (which lags a moment: callers poll). */
async function incidentsOf(cluster: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of stack.client.workflow.list({ query: `${searchAttributes.cluster.name} = '${cluster}'` })) ids.push(w.workflowId);
  return [...new Set(ids)];
}
async function state(id: string): Promise<IncidentState> {
  return json(await stack.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' }));
}
async function alertCards(cluster: string): Promise<LocalMessage[]> {
  const { messages } = await json(await stack.request('/local-chat/api/channels/incidents/messages'));
  return (messages as LocalMessage[]).filter((m) => m.card?.cluster === cluster && !m.threadId);
}
const notification = (alerts: unknown[]) => ({ version: '4', status: 'firing', receiver: 'api', groupKey: '{}:{}', alerts });
const firing = (labels: Record<string, string>) => ({ status: 'firing', labels, annotations: {}, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', fingerprint: randomBytes(8).toString('hex') });

describe('POST /api/alertmanager with a real Alertmanager', () => {
  it('opens one incident for a firing alert, shows its summary and runbook, and resolves it when the alert resolves', async () => {
    const alert = crashLooping('am-life', 'checkout-7d9f-abc');
    await am.postAlerts([alert]);
    const [card] = await eventually(async () => {
      const cards = await alertCards('am-life');
      return cards.length > 0 && cards;
    }, 'the alert card in #incidents');
    expect(card!.card).toMatchObject({ severity: 'critical', title: 'KubePodCrashLooping: Deployment/checkout', alertSummary: 'Pod shop/checkout-7d9f-abc is crash looping', runbookUrl: RUNBOOK });
    expect(card!.card!.links[0]).toEqual({ label: 'Runbook', url: RUNBOOK });
    expect(card!.text).toContain('summary: Pod shop/checkout-7d9f-abc is crash looping');
    expect(card!.text).toContain(`runbook: ${RUNBOOK}`);
    const id = card!.incidentId!;
    expect(id).toMatch(/^incident\/am-life\/am-[0-9a-f]{16}$/);
    // Repeat notifications (every 3s) reach the same incident as occurrences.
    await eventually(async () => (await state(id)).occurrences.count >= 2, 'a repeat notification', 15_000);
    expect(await incidentsOf('am-life')).toEqual([id]);

    await am.postAlerts([{ ...alert, endsAt: new Date().toISOString() }]);
    const resolved = await eventually(async () => {
      const s = await state(id);
      return s.status === 'resolved' && s;
    }, 'the incident to resolve by recovery', 15_000);
    expect(resolved.resolvedBy).toBe('system');
    expect(resolved.timeline.map((e) => e.text)).toContain('Recovery observed: KubePodCrashLooping resolved in Alertmanager');
    expect(resolved.annotations).toEqual({ summary: 'Pod shop/checkout-7d9f-abc is crash looping', description: 'More than 5 restarts in 10 minutes.', runbookUrl: RUNBOOK });
    expect(await alertCards('am-life')).toHaveLength(1);
  }, 40_000);

  it('opens one incident per alert of a group, however often the group is sent again', async () => {
    await am.postAlerts([crashLooping('am-group', 'checkout-1')]);
    const first = await eventually(async () => (await alertCards('am-group'))[0]?.incidentId, 'the first incident');
    // The second alert joins the group: the next notification carries both alerts.
    await am.postAlerts([crashLooping('am-group', 'checkout-2')]);
    const ids = await eventually(async () => {
      const cards = await alertCards('am-group');
      return cards.length === 2 && cards.map((c) => c.incidentId!);
    }, 'the second incident');
    expect(ids).toContain(first);
    await eventually(async () => (await state(first)).occurrences.count >= 3, 'the group sent again twice', 15_000);
    await eventually(async () => (await incidentsOf('am-group')).length === 2 && true, 'both incidents listed');
    expect((await incidentsOf('am-group')).sort()).toEqual([...ids].sort());
    expect(await alertCards('am-group')).toHaveLength(2);
  }, 40_000);
});

describe('POST /api/alertmanager answers', () => {
  it('takes 50 alerts in one request: 45 firing ones open 45 incidents, 5 resolved ones find none', async () => {
    const alerts = Array.from({ length: 50 }, (_, i) => {
      const a = firing({ alertname: 'KubeJobFailed', cluster: 'am-fifty', namespace: 'batch', job_name: `job-${i}`, severity: 'warning' });
      return i < 45 ? a : { ...a, status: 'resolved', endsAt: new Date().toISOString() };
    });
    const res = await stack.request('/api/alertmanager', { token: 'ops', json: notification(alerts) });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.alerts).toBe(50);
    expect(body.incidents.filter((i: any) => i.signal === 'occurrence')).toHaveLength(45);
    expect(body.incidents.filter((i: any) => i.signal === 'no-incident')).toHaveLength(5);
    await eventually(async () => (await incidentsOf('am-fifty')).length === 45, '45 incidents listed', 20_000);
  }, 40_000);

  it('refuses a malformed notification with 400 naming each field, and opens nothing', async () => {
    const res = await stack.request('/api/alertmanager', {
      token: 'ops',
      json: { version: '4', alerts: [firing({ alertname: 'Fine', cluster: 'am-bad' }), { status: 'firing', labels: { alertname: 'X' }, startsAt: 'yesterday' }] },
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_notification');
    expect(body.error.fields).toEqual([{ path: 'alerts[1].startsAt', message: 'startsAt must be an RFC 3339 time, e.g. "2026-03-02T10:15:00Z"' }]);
    const v3 = await json(await stack.request('/api/alertmanager', { token: 'ops', json: { version: '3', alerts: [] } }));
    expect(v3.error.fields).toEqual([{ path: 'version', message: 'version must be "4" (the Alertmanager webhook payload this api speaks)' }]);
    const noCluster = await json(await stack.request('/api/alertmanager', { token: 'ops', json: notification([firing({ alertname: 'NoCluster' })]) }));
    expect(noCluster.error.fields[0].path).toBe('alerts[0].labels.cluster');
    expect(await incidentsOf('am-bad')).toEqual([]);
  });

  it('refuses a 2 MiB notification with 413 saying which key to raise, and takes one of 600 KiB (over the api-wide 256 KiB)', async () => {
    const sized = (bytes: number) => notification([{ ...firing({ alertname: 'Big', cluster: 'am-big' }), annotations: { description: 'x'.repeat(bytes) } }]);
    const res = await stack.request('/api/alertmanager', { token: 'ops', json: sized(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect((await json(res)).error.message).toMatch(/larger than 1048576 bytes \(intake\.alertmanager\.maxBodyBytes\)/);
    expect((await stack.request('/api/alertmanager', { token: 'ops', json: sized(600 * 1024) })).status).toBe(200);
  });

  it('refuses missing or wrong credentials with 401, a bearer token and the basic auth pair are taken', async () => {
    const body = notification([]);
    const post = (authorization?: string) =>
      fetch(`${stack.url}/api/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    for (const wrong of [undefined, 'Bearer not-a-token-at-all-000000', basic('alertmanager', 'wrong-password-0000000'), basic('someone', PASSWORD)]) {
      const res = await post(wrong);
      expect(res.status).toBe(401);
      expect((await json(res)).error.message).toMatch(/send an api token .* or the basic auth pair of intake\.alertmanager\.basicAuth/);
    }
    expect((await post(basic('alertmanager', PASSWORD))).status).toBe(200);
    expect((await post(`Bearer ${stack.tokens.ops}`)).status).toBe(200);
  });
});
