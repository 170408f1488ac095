// Reconciliation passes with a scripted directory in place of Temporal (the real visibility list and
// state query, and the verdicts on real caches, are covered by test/integration/watcher): failures
// are counted and retried at the next pass, a stopped reconciler sends nothing, and verdicts that
// cannot change are not asked again. Plus the clear mode of every kind.
import { clearModeOf, DETECTORS, effectiveRules, STATE_DETECTORS } from '../../../watcher/detectors';
import { silentLogger } from '../../../watcher/log';
import { Metrics } from '../../../watcher/metrics';
import { Reconciler, type IncidentDirectory, type KeepReason, type OpenIncident, type Verdict } from '../../../watcher/reconcile';
import { crashLoop, ctx, node, pod, settings } from './fixtures';

const incident = (fingerprint: string, over: Partial<OpenIncident> = {}): OpenIncident => ({
  fingerprint, kind: 'CrashLoopBackOff', status: 'triggered', resource: { kind: 'Pod', name: 'p', namespace: 'shop' }, resources: [], recovering: false, ...over,
});

class Directory implements IncidentDirectory {
  fingerprints: string[] = [];
  /** Runs kept open for the flap window after their resolve. */
  resolved: string[] = [];
  listFailures = 0;
  readFailures = 0;
  lists = 0;
  reads: string[] = [];
  /** Resolves a read only when released (a slow Temporal). */
  gate?: Promise<void>;
  views = new Map<string, OpenIncident>();
  async open() {
    this.lists++;
    if (this.gate) await this.gate;
    if (this.listFailures > 0) {
      this.listFailures--;
      throw new Error('14 UNAVAILABLE: connection refused');
    }
    return [
      ...this.fingerprints.map((fingerprint) => ({ fingerprint, runId: `run-${fingerprint}`, status: 'triggered' as const, namespace: 'shop' })),
      ...this.resolved.map((fingerprint) => ({ fingerprint, runId: `run-${fingerprint}`, status: 'resolved' as const })),
    ];
  }
  async get(fp: string) {
    this.reads.push(fp);
    if (this.readFailures > 0) {
      this.readFailures--;
      throw new Error('4 DEADLINE_EXCEEDED: no worker answered the query');
    }
    return this.views.get(fp) ?? incident(fp);
  }
}

function setup(verdicts: Record<string, Verdict> = {}, prechecks: Record<string, KeepReason> = {}) {
  const directory = new Directory();
  const lease = { held: true };
  const metrics = new Metrics({ cluster: 'c1' });
  const sent: string[] = [];
  const assessed: string[] = [];
  /** What each list handed to the watcher, and what had been judged by then. */
  const listings: { runs: string[] | undefined; judgedBefore: number }[] = [];
  const r = new Reconciler({
    directory,
    precheck: (fp) => prechecks[fp],
    assess: (i) => {
      assessed.push(i.fingerprint);
      return verdicts[i.fingerprint] ?? { recovered: false, why: 'present' };
    },
    recovered: (fp, message) => sent.push(`${fp}: ${message}`),
    leading: () => lease.held,
    listed: (runs) => listings.push({ runs: runs?.map((x) => `${x.fingerprint}:${x.status ?? '?'}:${x.namespace ?? ''}`), judgedBefore: assessed.length }),
    metrics,
    log: silentLogger,
  });
  const pass = async () => {
    r.kick();
    await r.whenIdle();
  };
  return { r, directory, metrics, sent, assessed, pass, lease, listings };
}

const healthy: Verdict = { recovered: true, why: 'healthy', message: 'Deployment shop/a is healthy again' };

describe('reconciliation passes', () => {
  it('count a failed list of open incidents and try again at the next pass', async () => {
    const { directory, metrics, sent, pass } = setup({ a: healthy });
    directory.fingerprints = ['a'];
    directory.listFailures = 1;
    await pass();
    expect(sent).toEqual([]);
    expect(metrics.get('watcher_reconcile_failures_total', { step: 'list' })).toBe(1);
    expect(metrics.get('watcher_reconcile_passes_total', { outcome: 'failed' })).toBe(1);
    await pass();
    expect(sent).toEqual(['a: Deployment shop/a is healthy again']);
    expect(metrics.get('watcher_reconcile_recoveries_total', { why: 'healthy' })).toBe(1);
    expect(metrics.get('watcher_reconcile_passes_total', { outcome: 'ok' })).toBe(1);
    expect(await metrics.render()).toMatch(/# HELP watcher_reconcile_failures_total \S/);
  });

  it('give up after three unreadable incidents in a row and read them all again at the next pass', async () => {
    const { directory, metrics, sent, pass } = setup({ e: healthy });
    directory.fingerprints = ['a', 'b', 'c', 'd', 'e'];
    directory.readFailures = 3;
    await pass();
    expect(directory.reads).toEqual(['a', 'b', 'c']);
    expect(metrics.get('watcher_reconcile_failures_total', { step: 'query' })).toBe(3);
    expect(metrics.get('watcher_reconcile_incidents', { verdict: 'unreadable' })).toBe(5);
    expect(metrics.get('watcher_reconcile_passes_total', { outcome: 'partial' })).toBe(1);
    expect(sent).toEqual([]);
    await pass();
    expect(sent).toEqual(['e: Deployment shop/a is healthy again']);
    expect(metrics.get('watcher_reconcile_incidents', { verdict: 'unreadable' })).toBe(0);
    expect(metrics.get('watcher_reconcile_incidents', { verdict: 'present' })).toBe(4);
  });

  it('send nothing once stopped, even when the pass in flight would find a recovery', async () => {
    const { r, directory, sent, assessed } = setup({ a: healthy });
    directory.fingerprints = ['a'];
    let release!: () => void;
    directory.gate = new Promise((ok) => (release = ok));
    r.kick();
    const stopped = r.stop();
    release();
    await stopped;
    r.kick();
    await r.whenIdle();
    expect(assessed).toEqual([]);
    expect(sent).toEqual([]);
    expect(directory.lists).toBe(1);
  });

  it('send nothing and ask nothing while this replica does not hold the lease, nor after losing it mid-pass', async () => {
    const { directory, sent, pass, lease } = setup({ a: healthy, b: healthy });
    directory.fingerprints = ['a', 'b'];
    lease.held = false;
    await pass();
    expect(directory.lists).toBe(0);
    lease.held = true;
    directory.get = async (fp: string) => {
      lease.held = false; // lost while the query was out
      return incident(fp);
    };
    await pass();
    expect(sent).toEqual([]);
  });

  it('ask nothing about incidents the watcher tracks, and judge a one-off incident once per run', async () => {
    const { directory, metrics, assessed, pass } = setup({ job: { recovered: false, why: 'one-off' } }, { crash: 'tracked' });
    directory.fingerprints = ['crash', 'job'];
    await pass();
    await pass();
    expect(directory.reads).toEqual(['job']);
    expect(assessed).toEqual(['job']);
    expect(metrics.get('watcher_reconcile_incidents', { verdict: 'tracked' })).toBe(1);
    expect(metrics.get('watcher_reconcile_incidents', { verdict: 'one-off' })).toBe(1);
  });

  it('leave an incident alone that is resolved by the time it is read', async () => {
    const { directory, metrics, sent, assessed, pass } = setup({ a: healthy });
    directory.fingerprints = ['a'];
    directory.views.set('a', incident('a', { status: 'resolved' }));
    await pass();
    expect(assessed).toEqual([]);
    expect(sent).toEqual([]);
    expect(metrics.get('watcher_reconcile_incidents', { verdict: 'closed' })).toBe(1);
  });

  it('hand every list to the watcher before judging it (a failed one as undefined), resolved runs included but not judged', async () => {
    const { directory, assessed, pass, listings } = setup();
    directory.fingerprints = ['a'];
    directory.resolved = ['flapping'];
    directory.listFailures = 1;
    await pass();
    await pass();
    expect(listings).toEqual([
      { runs: undefined, judgedBefore: 0 },
      { runs: ['a:triggered:shop', 'flapping:resolved:'], judgedBefore: 0 },
    ]);
    expect(assessed).toEqual(['a']);
    expect(directory.reads).toEqual(['a']);
  });

  it('run one at a time: asking during a pass runs exactly one more after it', async () => {
    const { r, directory } = setup();
    let release!: () => void;
    directory.gate = new Promise((ok) => (release = ok));
    r.kick();
    r.kick();
    r.kick();
    expect(directory.lists).toBe(1);
    release();
    await r.whenIdle();
    expect(directory.lists).toBe(2);
  });
});

describe('the clear mode of an anomaly kind', () => {
  it('comes from the catalog, from custom rules (terminal = one-off), and is unknown for anything else', () => {
    const rules = effectiveRules(settings());
    expect(clearModeOf('CrashLoopBackOff', rules)).toBe('pod');
    expect(clearModeOf('NodeNotReady', rules)).toBe('state');
    expect(clearModeOf('JobFailed', rules)).toBe('once');
    expect(clearModeOf('Evicted', rules)).toBe('once');
    expect(clearModeOf('VeleroBackupFailed', rules)).toBe('once');
    expect(clearModeOf('CertificateNotReady', rules)).toBe('state');
    expect(clearModeOf('SomethingFromTheApi', rules)).toBeUndefined();
    expect(clearModeOf('toString', rules)).toBeUndefined();
  });

  it('matches what the detectors report for that kind', () => {
    const findings = [
      ...STATE_DETECTORS.Pod!(pod('p', { containers: [crashLoop(3)] }), ctx()),
      ...STATE_DETECTORS.Pod!(pod('q', { phase: 'Failed', reason: 'Evicted', containers: [] }), ctx()),
      ...STATE_DETECTORS.Node!(node('n', { Ready: 'False' }), ctx()),
      ...STATE_DETECTORS.Node!(node('m', { Ready: 'True', DiskPressure: 'True' }), ctx()),
    ];
    expect(findings.map((f) => f.kind).sort()).toEqual(['CrashLoopBackOff', 'Evicted', 'NodeDiskPressure', 'NodeNotReady']);
    for (const f of findings) expect([f.kind, f.mode]).toEqual([f.kind, DETECTORS[f.kind as keyof typeof DETECTORS].clears]);
  });
});
