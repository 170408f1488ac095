// Bundles the workflow code once per `jest` run, from the current sources, so the many workers the
// tests create (and the replay tests) load one bundle instead of each running webpack again; and
// names the run, so global-teardown.ts can remove the data dirs its tests made.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startRunElasticsearch } from './helpers/elasticsearch';
import { startRunKubeApiserver } from './helpers/kube-apiserver';

export default async function globalSetup(globalConfig: Parameters<typeof startRunElasticsearch>[0]): Promise<void> {
  // The run's Elasticsearch node starts (~8 s) while webpack bundles; see test/helpers/elasticsearch.ts.
  const elasticsearch = startRunElasticsearch(globalConfig);
  // Likewise the run's Kubernetes API server and etcd (~5 s); see test/helpers/kube-apiserver.ts.
  const kube = startRunKubeApiserver(globalConfig);
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: resolve(__dirname, '../workflows'),
    logger: { trace: noop, debug: noop, info: noop, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m), log: noop },
  });
  const path = join(tmpdir(), `k8s-incident-flow-workflows-${process.pid}.js`);
  writeFileSync(path, code);
  // Test workers are started after this and inherit the variables (see test/helpers/temporal.ts
  // and test/helpers/config.ts).
  process.env.TEST_WORKFLOW_BUNDLE = path;
  process.env.TEST_RUN_ID = String(process.pid);
  await Promise.all([elasticsearch, kube]);
}
