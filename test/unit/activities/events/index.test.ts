// The worker's one console line per incident lifecycle event (issue 10, item 9: what `make dev` shows).
import { createEventActivities, lifecycleLine, type EventBatch, type EventSink } from '../../../../activities/events';
import { classifyLine } from '../../../../scripts/dev-console';
import type { TimelineEntry } from '../../../../workflows/definitions';

const ID = 'incident/dev/deployment-shop-checkout-crashloopbackoff';
const at = '2026-12-05T18:30:00.000Z';
const entry = (type: TimelineEntry['type'], text: string, actor = 'system'): TimelineEntry => ({ at, type, text, actor });
const batch = (entries: TimelineEntry[]): EventBatch => ({
  incident: { id: ID, key: `${ID}@${at}`, cluster: 'dev', severity: 'error', kind: 'CrashLoopBackOff', status: 'triggered', resource: { kind: 'Pod', name: 'checkout-1', namespace: 'shop' } },
  startIndex: 0,
  entries,
});

describe('lifecycle lines of the worker', () => {
  it('names the incident, the event and who acted; system texts follow, a person’s note or summary does not', () => {
    expect(lifecycleLine(ID, entry('detected', 'CrashLoopBackOff detected on Pod/checkout-1: BackOff'))).toBe(`incident ${ID} opened: CrashLoopBackOff detected on Pod/checkout-1: BackOff`);
    expect(lifecycleLine(ID, entry('paged', 'Paged Alice (level 0) via local'))).toBe(`incident ${ID} paged: Paged Alice (level 0) via local`);
    expect(lifecycleLine(ID, entry('acknowledged', 'Acknowledged', 'alice'))).toBe(`incident ${ID} acknowledged by alice`);
    expect(lifecycleLine(ID, entry('handoff', 'note: db password is hunter2', 'alice'))).toBe(`incident ${ID} handed off by alice`);
    expect(lifecycleLine(ID, entry('resolved', 'rolled back', 'bob'))).toBe(`incident ${ID} resolved by bob`);
  });

  it('has no line for notes, diagnostics, /kubectl or action items', () => {
    for (const type of ['note', 'diagnostics', 'kubectl', 'action-item'] as const) expect(lifecycleLine(ID, entry(type, 'x'))).toBeUndefined();
  });

  it('logs each lifecycle entry of a batch once, after every sink took it, and `make dev` shows each line', async () => {
    const order: string[] = [];
    const sink: EventSink = { name: 'test', publish: async () => void order.push('sink') };
    const { publishEvents } = createEventActivities([sink], (line) => order.push(line));
    await publishEvents(batch([entry('detected', 'CrashLoopBackOff detected on Pod/checkout-1: BackOff'), entry('diagnostics', 'digest'), entry('alerted', 'Alert posted to local #incidents (rule default)'), entry('acknowledged', 'Acknowledged', 'carol')]));
    expect(order).toEqual([
      'sink',
      `incident ${ID} opened: CrashLoopBackOff detected on Pod/checkout-1: BackOff`,
      `incident ${ID} alerted: Alert posted to local #incidents (rule default)`,
      `incident ${ID} acknowledged by carol`,
    ]);
    for (const line of order.slice(1)) expect(classifyLine('worker', line)).toBe('show');
  });

  it('logs nothing when a sink refuses the batch (Temporal retries it)', async () => {
    const lines: string[] = [];
    const sink: EventSink = { name: 'test', publish: () => Promise.reject(new Error('503')) };
    await expect(createEventActivities([sink], (l) => lines.push(l)).publishEvents(batch([entry('resolved', 'x', 'bob')]))).rejects.toThrow('503');
    expect(lines).toEqual([]);
  });
});
