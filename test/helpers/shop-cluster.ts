// The simulated cluster the /kubectl tests read from, the same for every chat platform: `shop-prod`
// with a crash-looping checkout rollout (3 replicas) and a NotReady node, and a kubeconfig with its
// read-only identity in a temp dir. `stop()` stops the cluster and removes the dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarios, startSimCluster, type SimCluster } from '../../simcluster';

export interface ShopCluster {
  sim: SimCluster;
  /** Path of a kubeconfig for `shop-prod` with the read-only token. */
  kubeconfig: string;
  stop(): Promise<void>;
}

export async function startShopCluster(): Promise<ShopCluster> {
  const sim = await startSimCluster({ name: 'shop-prod' });
  let dir: string | undefined;
  const stop = async () => {
    try {
      await sim.stop();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    scenarios.crashLoopRollout(sim, { replicas: 3 });
    scenarios.nodeNotReady(sim);
    dir = mkdtempSync(join(tmpdir(), 'shop-cluster-'));
    const kubeconfig = join(dir, 'kubeconfig');
    sim.writeKubeconfig(kubeconfig, 'readOnly');
    return { sim, kubeconfig, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
