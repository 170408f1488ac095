// P1 (issue 11): an event storm, N anomalies over F fingerprints, through the api process (POST
// /api/anomalies, 50 in flight; POST /api/anomalies/batch, 500 a request, 2 in flight) and through
// the watcher's own intake (SignalSender with the shipped coalesce window and signal concurrency). Counted: incidents opened (visibility), alert posts,
// and the time until every incident's `state` counts all N occurrences. Raw: N signal-with-starts
// over F ids of the trivial workflow, until its `count` queries add up to N.
// Run: make bench ONLY=P1 (QUICK=1 for a small run)
import type { Client } from '@temporalio/client';
import { stateQuery } from '../workflows/definitions';
import { occurrenceCounts } from '../test/helpers/intake-history';
import { SignalSender, temporalSignaler } from '../watcher/sender';
import { silentLogger } from '../watcher/log';
import { Metrics } from '../watcher/metrics';
import { startBenchStack } from './lib/stack';
import { childUsage, cpuBetween, figure, type FigureRow } from './lib/table';
import { pct, pool, progress, progressDone, round, runMain, sleep, until } from './lib/util';

const CONCURRENCY = 50;
/** The batch row: anomalies per POST /api/anomalies/batch and such requests in flight. */
const BATCH = 500;
const BATCHES_IN_FLIGHT = 2;

/** Polls the sum of `count(id)` over `ids` until it reaches `n`; returns when (ms since the epoch). */
async function countedAt(what: string, ids: string[], n: number, count: (id: string) => Promise<number>, timeoutMs: number): Promise<number> {
  let total = 0;
  await until(what, timeoutMs, async () => {
    const counts: number[] = [];
    await pool(ids, 20, async (id) => counts.push(await count(id).catch(() => 0)));
    total = counts.reduce((a, b) => a + b, 0);
    progress(`P1 ${what}: ${total}/${n} counted`);
    return total >= n;
  }, 250);
  progressDone();
  return Date.now();
}

/** Occurrence signals the incidents received: how far the intake folded the storm. */
async function signalsOf(client: Client, ids: string[]): Promise<number> {
  let n = 0;
  await pool(ids, 10, async (id) => {
    const counts = await occurrenceCounts(client, id); // awaited first: `n += await ...` would read n before the await
    n += counts.length;
  });
  return n;
}

/** CPU of the children and of this process (the raw storm's client) over a phase, as note text. */
function cpuMeter(): () => string {
  const before = childUsage();
  const self = process.cpuUsage();
  return () => {
    const { user, system } = process.cpuUsage(self);
    return `CPU ${cpuBetween(before, childUsage())}, bench ${round((user + system) / 1e6, 1)} s`;
  };
}

const latency = (ms: number[]) => `POST p50 ${pct(ms, 50)} / p99 ${pct(ms, 99)} ms`;

const incidentsOf = async (client: Client, cluster: string) => (await client.workflow.count(`K8sCluster = "${cluster}"`)).count;

export async function runStorm(opts: { anomalies: number; fingerprints: number; timeoutMs?: number }): Promise<FigureRow[]> {
  const { anomalies: n, fingerprints: f } = opts;
  const timeout = opts.timeoutMs ?? 300_000;
  const s = await startBenchStack({ api: true });
  const intake = new SignalSender({ signaler: temporalSignaler(s.env.client, 'p1-watch', 'incidents'), windowMs: 2_000, maxConcurrent: 4, metrics: new Metrics({ cluster: 'p1-watch' }), log: silentLogger });
  try {
    const rawIds = Array.from({ length: f }, (_, i) => `raw-p1-${i}`);
    const rawT0 = Date.now();
    const rawCpu = cpuMeter();
    const rawLat: number[] = [];
    await pool(Array.from({ length: n }, (_, i) => rawIds[i % f]!), CONCURRENCY, async (id) => {
      const t0 = Date.now();
      await s.raw.signalWithStart(id, false);
      rawLat.push(Date.now() - t0);
    });
    const rawMs = (await countedAt('raw', rawIds, n, (id) => s.raw.count(id), timeout)) - rawT0;
    const rawNote = `signal-with-start ${latency(rawLat).slice(5)}; ${rawCpu()}`;

    const storm = (cluster: string, i: number) => s.anomaly(i % f, { cluster, fingerprint: `storm-${i % f}` });
    const idsOf = (cluster: string) => Array.from({ length: f }, (_, i) => `incident/${cluster}/storm-${i}`);
    const state = (id: string) => s.env.client.workflow.getHandle(id).query(stateQuery).then((st) => st.occurrences.count);

    const apiT0 = Date.now();
    const apiCpu = cpuMeter();
    const apiLat: number[] = [];
    let refused = 0;
    await pool(Array.from({ length: n }, (_, i) => i), CONCURRENCY, async (i) => {
      const t0 = Date.now();
      const res = await s.request('/api/anomalies', 'ops', storm('p1-api', i));
      if (res.status !== 202) refused++;
      await res.arrayBuffer();
      apiLat.push(Date.now() - t0);
    });
    const apiSentMs = Date.now() - apiT0;
    const apiMs = (await countedAt('api', idsOf('p1-api'), n, state, timeout)) - apiT0;
    const apiNote = `all sent after ${round(apiSentMs / 1000, 1)} s (${Math.round(n / (apiSentMs / 1000))} POSTs/s)${refused ? `, ${refused} refused` : ''}; ${latency(apiLat)}; ${apiCpu()}`;

    // The batch endpoint: the same storm in requests of BATCH consecutive anomalies, BATCHES_IN_FLIGHT at once.
    const batchT0 = Date.now();
    const batchCpu = cpuMeter();
    let batchRefused = 0;
    const starts = Array.from({ length: Math.ceil(n / BATCH) }, (_, b) => b * BATCH);
    await pool(starts, BATCHES_IN_FLIGHT, async (from) => {
      const anomalies = Array.from({ length: Math.min(BATCH, n - from) }, (_, k) => storm('p1-batch', from + k));
      const res = await s.request('/api/anomalies/batch', 'ops', { anomalies });
      const body = (await res.json()) as { rejected?: number };
      if (res.status !== 202) batchRefused += body.rejected ?? anomalies.length;
    });
    const batchSentMs = Date.now() - batchT0;
    const batchMs = (await countedAt('batch', idsOf('p1-batch'), n, state, timeout)) - batchT0;
    const batchNote = `${starts.length} POSTs of ${BATCH}, ${BATCHES_IN_FLIGHT} in flight; all sent after ${round(batchSentMs / 1000, 1)} s${batchRefused ? `, ${batchRefused} refused` : ''}; ${batchCpu()}`;

    const watchT0 = Date.now();
    for (let i = 0; i < n; i++) intake.occurrence(storm('p1-watch', i));
    const watchMs = (await countedAt('watch', idsOf('p1-watch'), n, state, timeout)) - watchT0;

    await sleep(3_000); // visibility and the debounced card updates settle
    const rows: FigureRow[] = [];
    for (const [via, cluster, ms, extra] of [['api', 'p1-api', apiMs, apiNote], ['api batch endpoint', 'p1-batch', batchMs, batchNote], ['watcher intake', 'p1-watch', watchMs, 'the intake coalesces the storm (2 s window) into few signals']] as const) {
      const incidents = await incidentsOf(s.env.client, cluster);
      const posts = s.alerts().filter((a) => a.incidentId.startsWith(`incident/${cluster}/`)).length;
      const sec = round(ms / 1000, 1);
      const rawSec = round(rawMs / 1000, 1);
      rows.push(
        figure('P1', `storm ${n} anomalies / ${f} fingerprints via ${via}: all counted (s)`, sec, rawSec, '<= 30 s and <= 1.3x raw', sec <= 30 && sec <= 1.3 * rawSec, extra),
        figure('P1', `storm via ${via}: incidents / alert posts`, `${incidents} / ${posts}`, '', `exactly ${f} / <= ${f}`, incidents === f && posts <= f, `${await signalsOf(s.env.client, idsOf(cluster))} occurrence signals for ${n} anomalies${via === 'api' ? `; raw: ${rawNote}` : ''}`),
      );
    }
    return rows;
  } finally {
    intake.stop();
    await s.stop();
  }
}

if (require.main === module) runMain(() => runStorm({ anomalies: Number(process.argv[2]) || 2000, fingerprints: Number(process.argv[3]) || 100 }));
