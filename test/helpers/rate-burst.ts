// The burst the chat rate-limit tests share (test/integration/<platform>/ratelimits.test.ts): per
// channel 8 warnings opened first, then 2 criticals, all before the worker polls, so every post
// competes for the same budgets; routed by namespace team-<i> to channel i; checked for one alert
// per incident and criticals ahead of where FIFO would put them (9th and 10th).
import { rmSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer, runTestWorker, type RunningWorker } from './temporal';
import { anomaly } from './anomaly';
import { openIncident } from './incident';
import type { Config } from '../../config/schema';

export const PER_CHANNEL = 10;

/**
 * The same limits on a shorter clock: every rate `factor` times as fast, bursts unchanged. The
 * burst tests run the fake's published limits and the worker's shipped budgets both through this,
 * so a budget above the limit still shows (by the same ratio) while the burst drains in seconds.
 */
export function faster<T extends { perMinute: number }>(table: Record<string, T>, factor: number): Record<string, T> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, { ...v, perMinute: v.perMinute * factor }]));
}

/**
 * 429s a budgeted burst may still take: the worker's token buckets refill continuously while the
 * fakes count fixed windows, so on a loaded machine a few calls land on a window edge (4 once in a
 * full parallel run). Without budgets the same burst takes hundreds (Discord: about 900).
 */
export const STRAY_429_LIMIT = 10;

/** Routing rules sending namespace team-<i> to `channels[i]` of `platform`. */
export const burstRouting = (platform: string, channels: string[]) =>
  channels.map((channel, i) => ({ name: `team-${i}`, match: { namespace: [`team-${i}`] }, channels: [{ platform, channel }], policy: 'default' }));

/** A dev server for the file, and the worker the test starts after opening the burst; `stop` cleans up all. */
export function burstRun() {
  let env: TestWorkflowEnvironment | undefined;
  let worker: RunningWorker | undefined;
  let config: Config | undefined;
  return {
    async start(): Promise<void> {
      env = await startDevServer();
    },
    /** Opens the whole burst over `channels` channels, then starts the worker with `cfg`. */
    async burst(cfg: Config, channels: number): Promise<void> {
      config = cfg;
      for (let k = 0; k < PER_CHANNEL; k++) {
        for (let c = 0; c < channels; c++) {
          const severity = k < PER_CHANNEL - 2 ? 'warning' : 'critical';
          const name = `svc-${c}-${k}`;
          await openIncident(env!.client, anomaly({ severity, resource: { kind: 'Pod', name: `${name}-x`, namespace: `team-${c}` }, owner: { kind: 'Deployment', name, namespace: `team-${c}` } }));
        }
      }
      // Calls still queued for budget when the test is done are cut short on stop, not waited out.
      worker = await runTestWorker(env!, { config: cfg, shutdownGraceTime: '1s' });
    },
    async stop(): Promise<void> {
      await worker?.stop();
      await env?.teardown();
      if (config) rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/** The deployments the alerts name (each alert's whole JSON searched): one per incident means no duplicates. */
export const namedDeployments = (alerts: unknown[]) => alerts.map((a) => /Deployment\/(svc-\d+-\d+)/.exec(JSON.stringify(a))?.[1]);

/**
 * Each channel's alerts in posting order, critical or not: the first critical at most `maxPosition`,
 * the second at most one later (FIFO would post them 9th and 10th, so 8 means both jumped the queue;
 * how far depends on how many posts the platform's burst let out before the criticals were scheduled).
 */
export function expectCriticalsBy(channels: Record<string, boolean[]>, maxPosition: number): void {
  for (const [channel, order] of Object.entries(channels)) {
    const positions = order.flatMap((critical, i) => (critical ? [i + 1] : []));
    expect({ channel, positions }).toEqual({ channel, positions: [expect.any(Number), expect.any(Number)] });
    expect({ channel, positions, within: positions.every((p, k) => p <= maxPosition + k) }).toEqual({ channel, positions, within: true });
  }
}
