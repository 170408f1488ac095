// P2 (issue 11): time to alert for new incidents, one at a time at a steady pace (not a burst):
// through the api (POST /api/anomalies, measured from the request) and through the watcher's own
// intake (SignalSender + temporalSignaler with the shipped coalesce window, measured from the moment the
// watcher saw the event), each until the fake Slack takes the alert post. Raw: signal-with-start of
// the trivial workflow until its one activity reaches the sink.
// Run: make bench ONLY=P2 (QUICK=1 for a small run)
import { SignalSender, temporalSignaler } from '../watcher/sender';
import { silentLogger } from '../watcher/log';
import { Metrics } from '../watcher/metrics';
import { startBenchStack } from './lib/stack';
import { figure, type FigureRow } from './lib/table';
import { pct, progress, progressDone, sleep, until, runMain } from './lib/util';

/** The watcher's shipped settings (config/schema-watch.ts). */
const SHIPPED_WINDOW_MS = 2_000;
const SHIPPED_MAX_SIGNALS = 4;

export async function runTimeToAlert(opts: { incidents: number; everyMs?: number }): Promise<FigureRow[]> {
  const n = opts.incidents;
  const every = opts.everyMs ?? 200;
  const s = await startBenchStack({ api: true });
  const intake = new SignalSender({ signaler: temporalSignaler(s.env.client, 'bench', 'incidents'), windowMs: SHIPPED_WINDOW_MS, maxConcurrent: SHIPPED_MAX_SIGNALS, metrics: new Metrics({ cluster: 'bench' }), log: silentLogger });
  try {
    // Raw one-activity trips at the same pace.
    const rawStart = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const id = `raw-p2-${i}`;
      rawStart.set(id, Date.now());
      void s.raw.signalWithStart(id, true);
      await sleep(every);
    }
    await until('the raw alerts', 120_000, () => s.raw.alertedAt.size >= n, 50);
    const rawTrip = [...rawStart].map(([id, t]) => s.raw.alertedAt.get(id)! - t);

    // The project: alternate REST and watcher intake.
    const started = new Map<string, { at: number; via: 'rest' | 'watch' }>();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const a = s.anomaly(i);
      const id = `incident/${a.cluster}/${a.fingerprint}`;
      if (i % 2 === 0) {
        started.set(id, { at: Date.now(), via: 'rest' });
        sends.push(s.request('/api/anomalies', 'ops', a).then(async (res) => res.status === 202 || Promise.reject(new Error(`api answered ${res.status}: ${await res.text()}`))));
      } else {
        started.set(id, { at: Date.now(), via: 'watch' });
        intake.occurrence(a);
      }
      progress(`P2: ${i + 1}/${n} sent, ${s.alerts().length} alerted`);
      await sleep(every);
    }
    await Promise.all(sends);
    await until('every alert', 120_000, () => s.alerts().length >= n, 100);
    progressDone();
    const lag = { rest: [] as number[], watch: [] as number[] };
    for (const a of s.alerts()) {
      const st = started.get(a.incidentId);
      if (st) lag[st.via].push(a.at - st.at);
    }
    const r50 = pct(rawTrip, 50);
    const r99 = pct(rawTrip, 99);
    const row = (via: 'rest' | 'watch', p: 50 | 99, target: number, note?: string) => {
      const v = pct(lag[via], p);
      const raw = p === 50 ? r50 : r99;
      return figure('P2', `time to alert p${p} (ms), ${via === 'rest' ? 'REST' : 'watch event'}`, v, raw, `<= ${target} ms and <= 1.5x raw`, v <= target && v <= 1.5 * raw, note);
    };
    const window = `the first occurrence goes at once (leading edge); only later ones wait for the ${SHIPPED_WINDOW_MS / 1000} s coalesce window`;
    return [row('rest', 50, 60), row('rest', 99, 150, `${lag.rest.length} incidents, one every ${every * 2} ms`), row('watch', 50, 60, window), row('watch', 99, 150)];
  } finally {
    intake.stop();
    await s.stop();
  }
}

if (require.main === module) runMain(() => runTimeToAlert({ incidents: Number(process.argv[2]) || 60 }));
