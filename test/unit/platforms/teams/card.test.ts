// The Adaptive Card per lifecycle state, compared with committed golden files
// (UPDATE_GOLDEN=1 rewrites them; review the diff like code).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initialState } from '../../../../workflows/state';
import type { IncidentState } from '../../../../workflows/definitions';
import { buildIncidentMessage, type MessageContext } from '../../../../activities/chat/message';
import { cardContextFor, renderAdaptiveCard, type AdaptiveCard, type CardContext } from '../../../../platforms/teams/shared/card';
import { parseConfig } from '../../../../config/load';
import { exampleRaw } from '../../../helpers/config';

const GOLDEN = join(__dirname, 'golden');
const AT = '2026-03-02T10:00:00.000Z';

const config = (() => {
  const raw = exampleRaw();
  raw.people[0].chat = { local: 'alice', teams: '29:alice' };
  raw.people[1].chat = { local: 'bob', teams: '00000000-0000-0000-0000-0000000000b0' };
  return parseConfig(raw, 'card test config');
})();
const ctx: MessageContext = { names: { alice: 'Alice Liddell', bob: 'Bob Marley', carol: 'Carol Danvers' }, temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default', apiUrl: 'http://127.0.0.1:8080' };

function state(patch: Partial<IncidentState> = {}): IncidentState {
  const s = initialState(
    'incident/prod/shop-deployment-checkout-crashloopbackoff',
    {
      cluster: 'prod',
      fingerprint: 'shop-deployment-checkout-crashloopbackoff',
      kind: 'CrashLoopBackOff',
      severity: 'critical',
      resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace: 'shop' },
      owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      labels: {},
      observedAt: AT,
    },
    AT,
  );
  return { ...s, occurrences: { ...s.occurrences, count: 12, lastSeen: '2026-03-02T10:04:00.000Z' }, policyId: 'default', ...patch };
}

const triggered = state({ level: 1, assignee: 'alice', diagnostics: { available: true, digest: 'container app exited 1: missing env DATABASE_URL', sections: [] } });
const acknowledged = { ...triggered, status: 'acknowledged' as const, acknowledgedAt: '2026-03-02T10:03:00.000Z', responders: ['alice'] };
const resolved = {
  ...acknowledged,
  status: 'resolved' as const,
  resolvedAt: '2026-03-02T10:20:00.000Z',
  resolvedBy: 'alice',
  summary: 'fixed the image tag',
  postmortemId: 'incident/prod/shop-deployment-checkout-crashloopbackoff@2026-03-02T10:00:00.000Z',
};

function render(s: IncidentState, notice?: CardContext['notice']): AdaptiveCard {
  return renderAdaptiveCard(buildIncidentMessage(s, ctx), cardContextFor(config.people, notice));
}

function golden(name: string, card: AdaptiveCard): void {
  const file = join(GOLDEN, `${name}.json`);
  const text = `${JSON.stringify(card, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 and commit it`);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** Every object in the card tree with the given `type`. */
function all(node: unknown, type: string): Record<string, any>[] {
  if (Array.isArray(node)) return node.flatMap((n) => all(n, type));
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  return [...(o.type === type ? [o as Record<string, any>] : []), ...Object.values(o).flatMap((v) => all(v, type))];
}

describe('the Teams Adaptive Card', () => {
  it('renders a triggered incident with acknowledge, hand-off and resolve buttons', () => {
    golden('triggered', render(triggered));
  });

  it('renders an acknowledged incident without the acknowledge button', () => {
    golden('acknowledged', render(acknowledged));
  });

  it('renders a resolved incident with its resolution and links only', () => {
    golden('resolved', render(resolved));
  });

  it("renders an Alertmanager alert's summary and description as text and its runbook as the first link", () => {
    const card = render({ ...triggered, annotations: { summary: 'Checkout pods restart often', description: 'More than 5 restarts in 10m.', runbookUrl: 'https://runbooks.example.com/checkout' } });
    golden('triggered-from-alertmanager', card);
    const texts = all(card, 'TextBlock').map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['Checkout pods restart often', 'More than 5 restarts in 10m.']));
    expect(all(card, 'Action.OpenUrl')[0]).toMatchObject({ title: 'Runbook', url: 'https://runbooks.example.com/checkout' });
  });

  it('renders an active snooze as the escalation fact, with its end and who snoozed it', () => {
    const card = render({ ...triggered, snooze: { until: '2026-03-02T10:35:00.000Z', untilMs: Date.parse('2026-03-02T10:35:00.000Z'), by: 'bob' } });
    golden('snoozed', card);
    expect(all(card, 'FactSet')[0]!.facts).toContainEqual({ title: 'Escalation', value: 'Snoozed until 10:35 UTC (by Bob Marley)' });
  });

  it('renders a refusal as a highlighted line for the person who pressed', () => {
    golden('refused', render(triggered, { text: 'You are not on the roster for this incident.', tone: 'error' }));
  });

  it('carries the incident id in the data of every Action.Execute, including the refresh', () => {
    const card = render(triggered);
    const executes = all(card, 'Action.Execute');
    expect(executes.map((a) => a.verb).sort()).toEqual(['ack', 'handoff', 'refresh', 'resolve']);
    for (const a of executes) expect(a.data).toEqual({ incidentId: triggered.id });
    expect(card.version).toBe('1.4');
  });

  it('offers only roster people with a Teams identity as hand-off targets and refreshes for them', () => {
    const card = render(triggered);
    expect(all(card, 'Input.ChoiceSet')[0]!.choices).toEqual([
      { title: 'Alice Liddell', value: 'alice' },
      { title: 'Bob Marley', value: 'bob' },
    ]);
    expect((card.refresh as { userIds: string[] }).userIds).toEqual(['29:alice', '00000000-0000-0000-0000-0000000000b0']);
  });

  it('shows the same facts as the text alert: severity, resource, place, occurrences, assignee, level and digest', () => {
    const facts = Object.fromEntries(all(render(triggered), 'FactSet')[0]!.facts.map((f: { title: string; value: string }) => [f.title, f.value]));
    expect(facts).toMatchObject({ Severity: 'CRITICAL', Resource: 'Deployment/checkout', Cluster: 'prod', Namespace: 'shop', Occurrences: '12', Paging: 'Alice Liddell', 'Escalation level': '1' });
    expect(JSON.stringify(render(triggered))).toContain('missing env DATABASE_URL');
  });

  it('has no buttons that act once the incident is resolved', () => {
    const card = render(resolved);
    expect(all(card.actions, 'Action.Execute')).toEqual([]);
    expect(all(card.actions, 'Action.OpenUrl').map((a) => a.title)).toEqual(['Temporal', 'Incident', 'Postmortem']);
  });
});
