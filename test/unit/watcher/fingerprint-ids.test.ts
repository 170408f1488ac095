// The ':' fingerprint format through every place an incident id travels: the intake, the workflow
// id and its inverse, the api's id check and routes (written out or URL-encoded), chat commands,
// and the Slack and Discord button ids. A separator one of them rejected would strand incidents.
import Fastify from 'fastify';
import { checkIncidentId } from '../../../api/incidents';
import { parseCommand } from '../../../api/commands/parse';
import { parseAnomaly } from '../../../intake/schema';
import { customId, parseCustomId } from '../../../platforms/discord/shared/ids';
import { actionId, parseActionId } from '../../../platforms/slack/shared/actions';
import { fingerprint } from '../../../watcher/fingerprint';
import { incidentWorkflowId, parseIncidentWorkflowId } from '../../../workflows/definitions';

const fp = fingerprint({ kind: 'Deployment', namespace: 'shop-eu', name: 'web' }, 'CrashLoopBackOff');
const id = incidentWorkflowId('prod-eu', fp);

describe('an incident id with a ":" fingerprint', () => {
  it('is accepted by the intake and parsed back into its cluster and fingerprint', () => {
    expect(fp).toBe('deployment:shop-eu:web:crashloopbackoff');
    const a = parseAnomaly({ cluster: 'prod-eu', fingerprint: fp, kind: 'CrashLoopBackOff', severity: 'error', resource: { kind: 'Pod', name: 'web-1', namespace: 'shop-eu' }, reason: 'BackOff', message: '', observedAt: '2026-12-05T09:00:00Z' });
    expect(a.ok).toBe(true);
    expect(parseIncidentWorkflowId(id)).toEqual({ cluster: 'prod-eu', fingerprint: fp });
    expect(checkIncidentId(id)).toBe(id);
  });

  it('reaches the api routes written out or URL-encoded (find-my-way treats ":" in a path as text)', async () => {
    const app = Fastify();
    app.get('/api/incidents/:id', async (req) => ({ id: (req.params as { id: string }).id }));
    app.get('/api/incidents/incident/:cluster/:fingerprint', async (req) => req.params);
    app.post('/api/incidents/:id/:action', async (req) => req.params);
    try {
      expect((await app.inject({ method: 'GET', url: `/api/incidents/${encodeURIComponent(id)}` })).json()).toEqual({ id });
      expect((await app.inject({ method: 'GET', url: `/api/incidents/${id}` })).json()).toEqual({ cluster: 'prod-eu', fingerprint: fp });
      expect((await app.inject({ method: 'POST', url: `/api/incidents/${encodeURIComponent(id)}/ack` })).json()).toEqual({ id, action: 'ack' });
    } finally {
      await app.close();
    }
  });

  it('is taken by chat commands and round-trips through Slack and Discord button ids', () => {
    expect(parseCommand(`/ack ${id}`)).toEqual({ ok: true, command: { kind: 'ack', incidentId: id } });
    expect(parseActionId(actionId('resolve', id))).toBe('resolve');
    expect(actionId('resolve', id)).toBe(`incident:resolve:${id}`);
    expect(parseCustomId(customId('handoff', id))).toEqual({ action: 'handoff', incidentId: id });
  });
});
