// P5 (issue 11): new incidents alerted per second, sustained, against the raw signal-with-start
// ceiling. N distinct anomalies go through the api process (POST /api/anomalies, `concurrency` in
// flight) to the worker process, which posts each alert to the fake Slack; the raw side sends N
// signal-with-starts of the trivial workflow whose one activity reaches a sink. "Sustained" is the
// rate between the 10th and 90th percentile alert (start-up and tail left out).
// Run: make bench ONLY=P5 (QUICK=1 for a small run)
import { startBenchStack } from './lib/stack';
import { childUsage, cpuBetween, figure, type FigureRow } from './lib/table';
import { pct, pool, progress, progressDone, round, sleep, runMain } from './lib/util';

/** Alerts per second between the 10th and 90th percentile of `times` (ms). */
export function sustainedRate(times: number[]): number {
  const p10 = pct(times, 10);
  const p90 = pct(times, 90);
  const inside = times.filter((t) => t >= p10 && t <= p90).length;
  return p90 > p10 ? round(((inside - 1) / (p90 - p10)) * 1000, 1) : NaN;
}

export async function runThroughput(opts: { incidents: number; concurrency?: number; timeoutMs?: number }): Promise<FigureRow[]> {
  const n = opts.incidents;
  const concurrency = opts.concurrency ?? 32;
  const s = await startBenchStack({ api: true });
  try {
    // Raw ceiling: N distinct signal-with-starts, each workflow running one activity.
    const rawIds = Array.from({ length: n }, (_, i) => `raw-p5-${i}`);
    const rawT0 = Date.now();
    const rawSendMs = await s.raw.storm(rawIds, concurrency, true);
    while (s.raw.alertedAt.size < n && Date.now() - rawT0 < (opts.timeoutMs ?? 600_000)) await sleep(50);
    const rawAccepted = round((n / rawSendMs) * 1000, 1);
    const rawAlerted = sustainedRate([...s.raw.alertedAt.values()]);

    // The project: the same N as new incidents through the api.
    const before = childUsage();
    const t0 = Date.now();
    let refused = 0;
    const sending = pool(
      Array.from({ length: n }, (_, i) => i),
      concurrency,
      async (i) => {
        const res = await s.request('/api/anomalies', 'ops', s.anomaly(i));
        if (res.status !== 202) refused++;
        await res.arrayBuffer();
      },
    ).then(() => Date.now() - t0);
    let sentMs = 0;
    void sending.then((ms) => (sentMs = ms));
    const deadline = t0 + (opts.timeoutMs ?? 600_000);
    while ((s.alerts().length < n || !sentMs) && Date.now() < deadline) {
      progress(`P5: ${s.alerts().length}/${n} alerted after ${round((Date.now() - t0) / 1000, 1)} s`);
      await sleep(500);
    }
    progressDone();
    sentMs = await sending;
    const alerts = s.alerts();
    const cpu = cpuBetween(before, childUsage());
    const accepted = round(((n - refused) / sentMs) * 1000, 1);
    const alerted = sustainedRate(alerts.map((a) => a.at));
    const allMs = Math.max(...alerts.map((a) => a.at)) - t0;
    return [
      figure('P5', `accepted/s via api (${n} new incidents, ${concurrency} in flight)`, accepted, rawAccepted, '', undefined, refused ? `${refused} refused` : undefined),
      figure('P5', 'alerted/s sustained (p10-p90) vs raw signal-with-start/s', alerted, rawAccepted, '>= 0.5x raw', alerted / rawAccepted >= 0.5, `raw one-activity workflows alerted ${rawAlerted}/s; all ${alerts.length}/${n} alerted after ${round(allMs / 1000, 1)} s; CPU during the project's run: ${cpu}`),
    ];
  } finally {
    await s.stop();
  }
}

if (require.main === module) runMain(() => runThroughput({ incidents: Number(process.argv[2]) || 200 }));
