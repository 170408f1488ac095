import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolve } from 'node:path';
import { startDevServer } from '../helpers/temporal';
import { missingSearchAttributes, missingSearchAttributesMessage } from '../../worker/preflight';

describe('worker preflight', () => {
  it('finds nothing missing on a server set up from temporal-dev.yaml', async () => {
    const env = await startDevServer();
    try {
      expect(await missingSearchAttributes(env.connection, 'default')).toEqual([]);
    } finally {
      await env.teardown();
    }
  });

  it('names every missing search attribute and the command that registers it', async () => {
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: resolve(process.env.TEMPORAL_CLI ?? resolve(__dirname, '../../.tools/bin/temporal')) }, ip: '127.0.0.1', extraArgs: ['--log-level', 'error'] },
    });
    try {
      const missing = await missingSearchAttributes(env.connection, 'default');
      expect(missing).toEqual(['IncidentStatus', 'IncidentSeverity', 'K8sCluster', 'K8sNamespace', 'IncidentAssignee']);
      expect(missingSearchAttributesMessage('default', missing)).toContain('temporal operator search-attribute create --namespace default --name K8sCluster --type Keyword');
    } finally {
      await env.teardown();
    }
  });
});
