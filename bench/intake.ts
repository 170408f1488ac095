// Intake under an event storm: N anomalies with one fingerprint sent concurrently through
// signal-with-start to a real Temporal dev server and the real workflow. Measures the time until the
// workflow has counted all N, the alert posts and updates (coalescing), history length, and memory.
// Run: make bench (or node -r @swc-node/register bench/intake.ts)
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startDevServer } from '../test/helpers/temporal';
import { testConfig } from '../test/helpers/config';
import { anomaly } from '../test/helpers/anomaly';
import { actor } from '../test/helpers/actors';
import { MemoryChat } from '../test/fakes/memory-chat';
import { createIncidentWorker } from '../worker/worker';
import { signalAnomaly } from '../intake/signal';
import { resolveUpdate, stateQuery, TASK_QUEUE } from '../workflows/definitions';

export async function runIntakeBench(sizes = [200, 1000]) {
  const env = await startDevServer();
  const chat = new MemoryChat();
  const config = testConfig();
  const worker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', config, platforms: { local: chat }, fromSources: true });
  const running = worker.run();
  const rows = [];
  try {
    for (const n of sizes) {
      const a = anomaly({ cluster: 'bench' });
      const rssBefore = process.memoryUsage().rss;
      const t0 = performance.now();
      // Bounded concurrency like the watcher's intake (50 in flight).
      let next = 0;
      await Promise.all(Array.from({ length: 50 }, async () => {
        while (next < n) {
          next++;
          await signalAnomaly(env.client, { ...a, observedAt: new Date().toISOString() }, { taskQueue: TASK_QUEUE });
        }
      }));
      const sent = performance.now() - t0;
      const handle = env.client.workflow.getHandle(`incident/${a.cluster}/${a.fingerprint}`);
      while ((await handle.query(stateQuery)).occurrences.count < n) await new Promise((r) => setTimeout(r, 20));
      const counted = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 1500)); // let the debounced updater settle
      const alert = chat.alerts().find((m) => m.card?.incidentId === handle.workflowId)!;
      const desc = await handle.describe();
      rows.push({
        anomalies: n,
        'sent (ms)': Math.round(sent),
        'signals/s': Math.round((n / sent) * 1000),
        'all counted (ms)': Math.round(counted),
        'alert posts': chat.alerts().filter((m) => m.card?.incidentId === handle.workflowId).length,
        'alert updates': alert.updates,
        'history events': desc.historyLength,
        'runs (continue-as-new)': (await handle.query(stateQuery)).generation + 1,
        'bench RSS delta (MiB)': Math.round((process.memoryUsage().rss - rssBefore) / 1048576),
      });
      await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'bench' }] });
      await handle.result();
    }
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
    rmSync(config.dataDir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  runIntakeBench()
    .then((rows) => console.table(rows))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
