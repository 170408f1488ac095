// Durability: the worker PROCESS is killed (SIGKILL, no goodbye) while an incident waits for an
// ack, the escalation deadline passes while no worker runs, and a new worker process picks the
// incident up: it escalates exactly once and nobody is paged twice.
import type { LocalMessage } from '../../../activities/chat/local-protocol';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { killAllWorkerProcesses, startWorkerProcess, writeWorkerConfig } from '../../helpers/worker-process';

let stack: Stack;
let configFile: string;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  configFile = writeWorkerConfig(stack, (raw) => {
    raw.platforms = { local: { enabled: true, url: stack.url } };
    raw.schedules = [{ id: 'primary', timezone: 'UTC', layers: [{ rotation: 'weekly', start: '2020-01-06', participants: ['alice'] }] }];
    raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ schedule: 'primary' }], delay: '4s' }, { targets: [{ person: 'carol' }], delay: '1h' }] }];
    raw.routing = { rules: [], default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' } };
    raw.alertUpdateDebounce = '200ms';
  });
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await stack?.stop();
});

async function dms(user: string, incidentId: string): Promise<LocalMessage[]> {
  const res = await stack.request(`/local-chat/api/channels/dm-${user}/messages`);
  if (res.status !== 200) return [];
  return ((await res.json()) as { messages: LocalMessage[] }).messages.filter((m) => m.incidentId === incidentId);
}

describe('a worker process killed mid-wait', () => {
  it('is replaced by a new process that continues the incident without paging anyone twice', async () => {
    const first = startWorkerProcess(configFile);
    await first.ready;
    const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'durable' }) });
    expect(res.status).toBe(202);
    const { incidentId } = (await res.json()) as { incidentId: string };
    await eventually(async () => (await dms('alice', incidentId)).length === 1, 'the page to alice');

    await first.kill('SIGKILL');
    // The 4s escalation deadline passes while no worker is running.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await dms('carol', incidentId)).toHaveLength(0);

    const second = startWorkerProcess(configFile);
    await second.ready;
    // If the kill landed between alice's DM and the end of that page activity, the page is retried
    // only after its 30 s start-to-close timeout, and carol's level-2 page follows 4 s later.
    await eventually(async () => (await dms('carol', incidentId)).length === 1, 'the level-2 page to carol after the restart', 50_000);

    const ack = await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}/ack`, { token: 'carol', json: {} });
    expect(((await ack.json()) as { outcome: string }).outcome).toBe('done');
    const resolved = await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}/resolve`, { token: 'carol', json: { summary: 'restarted the node' } });
    expect(resolved.status).toBe(200);
    const state = await eventually(async () => {
      const s = (await (await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}`, { token: 'ops' })).json()) as { postmortemId?: string; timeline: { type: string }[] };
      return s.postmortemId ? s : undefined;
    }, 'the postmortem');
    expect(state.timeline.filter((e) => e.type === 'paged')).toHaveLength(2);
    expect(await dms('alice', incidentId)).toHaveLength(1);
    expect(await dms('carol', incidentId)).toHaveLength(1);
    await second.kill('SIGTERM');
  }, 120_000);
});
