// Deterministic incident states for the compiler tests and the golden file: fixed times (across
// the Europe/Berlin DST change on 2026-03-29 at 01:00 UTC), fixed ids, no clock.
import type { IncidentState, TimelineEntry } from '../../../workflows/definitions';
import type { CompileOptions } from '../../../activities/postmortem/compile';

export const NAMES = { alice: 'Alice Liddell', bob: 'Bob Marley', carol: 'Carol Danvers' };

export const OPTIONS: CompileOptions = {
  names: NAMES,
  temporalUiUrl: 'http://127.0.0.1:8233',
  temporalNamespace: 'default',
  apiUrl: 'http://127.0.0.1:8080',
  displayTimeZone: 'Europe/Berlin',
};

const t = (hhmmss: string, day = '2026-03-29') => `${day}T${hhmmss}.000Z`;

export function baseState(timeline: TimelineEntry[], overrides: Partial<IncidentState> = {}): IncidentState {
  return {
    id: 'incident/prod-eu/shop-deployment-checkout-crashloopbackoff',
    cluster: 'prod-eu',
    fingerprint: 'shop-deployment-checkout-crashloopbackoff',
    kind: 'CrashLoopBackOff',
    status: 'resolved',
    severity: 'critical',
    resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace: 'shop' },
    owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    namespace: 'shop',
    labels: { app: 'checkout', team: 'payments' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container checkout',
    openedAt: t('00:30:00'),
    responders: [],
    policyId: 'default',
    level: 2,
    repeat: 0,
    occurrences: { count: 12, firstSeen: t('00:29:30'), lastSeen: t('00:58:10'), samples: [] },
    autoResolve: { enabled: false, quietPeriodMs: 0 },
    timeline,
    messages: [{ platform: 'local', channel: 'incidents', id: 'm1' }],
    generation: 0,
    ...overrides,
  };
}

const EVENTS = [
  'LAST SEEN   TYPE      REASON    OBJECT                  MESSAGE',
  '2m          Warning   BackOff   pod/checkout-7d9f-abc   Back-off restarting failed container checkout',
  '5m          Normal    Pulled    pod/checkout-7d9f-abc   Container image "shop/checkout:v42" already present',
].join('\n');

/** Level 1 (alice) times out, level 2 (carol) acks, carol hands off to bob, bob acks and resolves. */
export function escalatedHandedOffState(): IncidentState {
  return baseState(
    [
      { at: t('00:30:00'), type: 'detected', actor: 'system', text: 'CrashLoopBackOff detected on Pod/checkout-7d9f-abc: BackOff' },
      { at: t('00:30:01'), type: 'alerted', actor: 'system', text: 'Alert posted to local #incidents (rule default)' },
      { at: t('00:30:02'), type: 'paged', actor: 'system', text: 'Paged Alice Liddell (level 1) via chat', data: { personId: 'alice', level: 1, repeat: 0 } },
      { at: t('00:30:03'), type: 'diagnostics', actor: 'system', text: 'checkout: exit code 1 (OOMKilled) 4 times in 5m', data: { available: true } },
      { at: t('00:35:02'), type: 'escalated', actor: 'system', text: 'No acknowledgement: escalating from level 1 to level 2', data: { level: 2, repeat: 0 } },
      { at: t('00:35:03'), type: 'paged', actor: 'system', text: 'Paged Carol Danvers (level 2) via chat', data: { personId: 'carol', level: 2, repeat: 0 } },
      { at: t('00:37:00'), type: 'acknowledged', actor: 'carol', text: 'Acknowledged by Carol Danvers (local:carol)' },
      { at: t('00:40:00'), type: 'action-item', actor: 'carol', text: 'Action item by Carol Danvers: raise the memory limit of checkout' },
      { at: t('00:45:00'), type: 'handoff', actor: 'carol', text: 'Handed off from Carol Danvers to Bob Marley by Carol Danvers: my shift ends', data: { from: 'carol', to: 'bob', note: 'my shift ends' } },
      { at: t('00:45:01'), type: 'paged', actor: 'system', text: 'Paged Bob Marley (level 2) via chat', data: { personId: 'bob', level: 2, repeat: 0 } },
      { at: t('00:47:30'), type: 'acknowledged', actor: 'bob', text: 'Acknowledged by Bob Marley (local:bob)' },
      { at: t('00:52:00'), type: 'kubectl', actor: 'bob', text: 'kubectl rollout undo deployment/checkout -n shop' },
      { at: t('01:10:00'), type: 'resolved', actor: 'bob', text: 'Resolved by Bob Marley: rolled back to v41 | memory limit raised' },
    ],
    {
      acknowledgedAt: t('00:37:00'),
      resolvedAt: t('01:10:00'),
      resolvedBy: 'bob',
      summary: 'rolled back to v41 | memory limit raised',
      assignee: 'bob',
      responders: ['carol', 'bob'],
      handoffCount: 1,
      actionItems: [{ text: 'raise the memory limit of checkout', by: 'carol', at: t('00:40:00') }],
      diagnostics: {
        available: true,
        digest: 'checkout: exit code 1 (OOMKilled) 4 times in 5m',
        sections: [
          { title: 'Describe Deployment/checkout', body: 'Replicas: 3 desired | 1 updated | 3 total | 1 available' },
          { title: 'Events', body: EVENTS },
          { title: 'Previous logs of checkout', body: 'panic: out of memory\n```\nnot a fence breaker' },
        ],
      },
    },
  );
}

export { t as at };
