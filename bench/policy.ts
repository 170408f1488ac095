// Pure policy throughput: how many on-call and routing decisions per second one core makes.
// Run: make bench (or node -r @swc-node/register bench/policy.ts)
import { performance } from 'node:perf_hooks';
import { loadConfigFile } from '../config/load';
import { onCallAt } from '../workflows/policy/oncall';
import { route } from '../workflows/policy/routing';
import type { Anomaly } from '../workflows/definitions';

function measure(name: string, iterations: number, fn: (i: number) => unknown): { name: string; opsPerSec: number; usPerOp: number } {
  for (let i = 0; i < Math.min(iterations, 1000); i++) fn(i); // warm up
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  const ms = performance.now() - t0;
  return { name, opsPerSec: Math.round((iterations / ms) * 1000), usPerOp: Number(((ms * 1000) / iterations).toFixed(2)) };
}

export function runPolicyBench(): ReturnType<typeof measure>[] {
  const cfg = loadConfigFile('config/example.yaml');
  const schedule = cfg.schedules[0]!;
  const start = Date.parse('2027-03-01T00:00:00Z');
  const anomaly: Anomaly = {
    cluster: 'prod-eu', fingerprint: 'f', kind: 'CrashLoopBackOff', severity: 'error',
    resource: { kind: 'Pod', name: 'p', namespace: 'shop' }, reason: 'BackOff', message: 'm', labels: { team: 'shop' }, observedAt: new Date(start).toISOString(),
  };
  return [
    measure('onCallAt (2 layers, restrictions, Europe/Berlin)', 20_000, (i) => onCallAt(schedule, start + i * 997_000)),
    measure('route (first-match rules)', 200_000, (i) => route(cfg, { ...anomaly, severity: i % 2 ? 'critical' : 'error' })),
  ];
}

if (require.main === module) console.table(runPolicyBench());
