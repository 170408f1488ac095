// Incident states at each lifecycle step, for the Block Kit golden files. Fixed times and ids so
// the rendered JSON is byte-for-byte stable.
import type { IncidentState } from '../../../../workflows/definitions';
import type { MessageContext } from '../../../../activities/chat/message';

export const CONTEXT: MessageContext = {
  names: { alice: 'Alice Liddell', bob: 'Bob Marley', carol: 'Carol Danvers' },
  temporalUiUrl: 'http://127.0.0.1:8233',
  temporalNamespace: 'default',
  apiUrl: 'http://127.0.0.1:8080',
};

const OPENED = '2026-03-02T10:15:00.000Z';

export function baseState(): IncidentState {
  return {
    id: 'incident/prod-eu/shop-deployment-checkout-crashloopbackoff',
    cluster: 'prod-eu',
    fingerprint: 'shop-deployment-checkout-crashloopbackoff',
    kind: 'CrashLoopBackOff',
    status: 'triggered',
    severity: 'error',
    resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace: 'shop' },
    owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    namespace: 'shop',
    labels: { app: 'checkout' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container checkout in pod checkout-7d9f-abc',
    openedAt: OPENED,
    assignee: 'alice',
    responders: [],
    policyId: 'default',
    level: 1,
    repeat: 0,
    occurrences: { count: 7, firstSeen: OPENED, lastSeen: '2026-03-02T10:21:30.000Z', samples: [] },
    autoResolve: { enabled: false, quietPeriodMs: 0 },
    timeline: [],
    messages: [],
    generation: 0,
  };
}

const DIAGNOSTICS = {
  available: true,
  digest: 'container checkout exited 1 (OOMKilled) 6 times in 5m; last log line: "panic: <nil> map & config missing"; rollout 3/4 ready',
  sections: [],
};

/** An Alertmanager alert's annotations, with markup an author might (or an attacker could) write. */
export const ALERT_ANNOTATIONS = {
  summary: 'Checkout pods restart <often> & fail readiness',
  description: 'More than 5 restarts in 10m. Check the *config* map and the last deploy.',
  runbookUrl: 'https://runbooks.example.com/checkout/crashloop',
};

/** `/incident snooze 30m` by Bob while Alice is paged (what applySnooze records). */
export const SNOOZE = { until: '2026-03-02T10:52:00.000Z', untilMs: Date.parse('2026-03-02T10:52:00.000Z'), by: 'bob' };
export const SNOOZED_ENTRY = {
  at: '2026-03-02T10:22:00.000Z',
  type: 'snoozed' as const,
  actor: 'bob',
  text: 'Escalation snoozed for 30m until 2026-03-02T10:52:00.000Z by Bob Marley (slack:U0BOB01)',
  data: { until: SNOOZE.until, durationMs: 1_800_000 },
};

/** name -> state; each becomes golden/<name>.json */
export function lifecycleStates(): Record<string, IncidentState> {
  const b = baseState;
  return {
    triggered: b(),
    'triggered-with-diagnostics': { ...b(), diagnostics: DIAGNOSTICS },
    acknowledged: { ...b(), status: 'acknowledged', acknowledgedAt: '2026-03-02T10:17:00.000Z', responders: ['alice'], diagnostics: DIAGNOSTICS },
    'handoff-pending': { ...b(), assignee: 'bob', handoffPendingTo: 'bob', responders: ['alice', 'bob'], handoffCount: 1 },
    'escalated-level-2': { ...b(), severity: 'critical', assignee: 'carol', level: 2 },
    'triggered-from-alertmanager': { ...b(), annotations: ALERT_ANNOTATIONS },
    snoozed: { ...b(), snooze: SNOOZE, timeline: [SNOOZED_ENTRY] },
    'resolved-with-postmortem': {
      ...b(),
      status: 'resolved',
      assignee: 'alice',
      responders: ['alice'],
      resolvedAt: '2026-03-02T10:40:00.000Z',
      resolvedBy: 'alice',
      summary: 'fixed image tag: rolled back to v41',
      diagnostics: DIAGNOSTICS,
      postmortemId: `incident/prod-eu/shop-deployment-checkout-crashloopbackoff@${OPENED}`,
    },
  };
}
