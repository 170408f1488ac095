// Stops the run's Elasticsearch node and Kubernetes API server; removes the workflow bundle global-setup.ts wrote and every test data dir of this run.
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopRunElasticsearch } from './helpers/elasticsearch';
import { stopRunKubeApiserver } from './helpers/kube-apiserver';

export default async function globalTeardown(): Promise<void> {
  await Promise.all([stopRunElasticsearch(), stopRunKubeApiserver()]);
  if (process.env.TEST_WORKFLOW_BUNDLE) rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
  const prefix = `incident-test-${process.env.TEST_RUN_ID}-`;
  if (!process.env.TEST_RUN_ID) return;
  for (const name of readdirSync(tmpdir())) if (name.startsWith(prefix)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}
