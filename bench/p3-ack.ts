// P3 (issue 11): a person's ack, one incident at a time: the answer to a signed Slack button click
// and to REST (POST /api/incidents/:id/ack as alice), and the time until the alert card is updated
// (the fake Slack takes chat.update on the alert), against the raw Update round trip of the trivial
// workflow. Incidents are opened first and left to settle, so no occurrence update is pending.
// Run: make bench ONLY=P3 (QUICK=1 for a small run)
import { openIncident } from '../test/helpers/incident';
import { USERS, startBenchStack } from './lib/stack';
import { figure, type FigureRow } from './lib/table';
import { pct, pool, progress, progressDone, sleep, until, runMain } from './lib/util';

export async function runAck(opts: { incidents: number }): Promise<FigureRow[]> {
  const n = opts.incidents;
  const s = await startBenchStack({ api: true });
  try {
    const rawIds = Array.from({ length: n }, (_, i) => `raw-p3-${i}`);
    await s.raw.storm(rawIds, 8, false);
    const rawTrip: number[] = [];
    for (const id of rawIds) {
      const t0 = performance.now();
      await s.raw.ack(id);
      rawTrip.push(performance.now() - t0);
    }

    const ids: string[] = [];
    await pool(Array.from({ length: n }, (_, i) => i), 8, async (i) => ids.push((await openIncident(s.env.client, s.anomaly(i))).workflowId));
    await until('every alert', 120_000, () => s.alerts().length >= n, 100);
    // Settled: the diagnostics reply, page and the debounced card update have gone out.
    await until('Slack quiet for 3 s', 120_000, () => Date.now() - (s.fake.calls.at(-1)?.at ?? 0) > 3_000, 200);
    const alerts = new Map(s.alerts().map((a) => [a.incidentId, a]));
    const answer = { rest: [] as number[], slack: [] as number[] };
    const card: number[] = [];
    for (const [i, id] of ids.entries()) {
      const alert = alerts.get(id)!;
      const via = i % 2 === 0 ? 'rest' : 'slack';
      const from = s.fake.calls.length;
      const tWall = Date.now();
      const t0 = performance.now();
      const res = via === 'rest' ? await s.request(`/api/incidents/${encodeURIComponent(id)}/ack`, 'alice', {}) : await s.inbound!.click(USERS.alice, alert.channel, alert.ts, 'incident:ack');
      answer[via].push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${via} ack of ${id} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      const update = await until(`the card update of ${id}`, 30_000, () => s.fake.calls.slice(from).find((c) => c.method === 'chat.update' && c.params.ts === alert.ts), 5);
      card.push(update.at - tWall);
      progress(`P3: ${i + 1}/${n} acked`);
      await sleep(50);
    }
    progressDone();
    const r99 = pct(rawTrip, 99);
    const p = (xs: number[], q: number) => Math.round(pct(xs, q));
    return [
      figure('P3', 'ack answer p99 (ms), signed Slack click', p(answer.slack, 99), Math.round(r99), '<= 50 ms and <= 1.3x raw Update', p(answer.slack, 99) <= 50 && p(answer.slack, 99) <= 1.3 * r99, `p50 ${p(answer.slack, 50)} ms (raw p50 ${p(rawTrip, 50)} ms): the click is answered before the Update completes, its outcome follows in chat`),
      figure('P3', 'ack answer p99 (ms), REST', p(answer.rest, 99), Math.round(r99), '<= 50 ms and <= 1.3x raw Update', p(answer.rest, 99) <= 50 && p(answer.rest, 99) <= 1.3 * r99, `p50 ${p(answer.rest, 50)} ms`),
      figure('P3', 'ack to card updated p99 (ms)', p(card, 99), '', '<= 300 ms', p(card, 99) <= 300, `p50 ${p(card, 50)} ms over ${n} acks (shipped alertUpdateDebounce 2s)`),
    ];
  } finally {
    await s.stop();
  }
}

if (require.main === module) runMain(() => runAck({ incidents: Number(process.argv[2]) || 20 }));
