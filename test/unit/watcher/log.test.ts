// The watcher's log (watcher/log.ts): JSON lines with the cluster, and a line about a fingerprint
// carries the incident's id and workflow id, so it is found with the worker's and the api's lines.
import { createLogger as createProcessLogger } from '../../../logging';
import { createLogger, watcherLogger } from '../../../watcher/log';

const collect = () => {
  const lines: string[] = [];
  return { lines, write: (l: string) => void lines.push(l), entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
};

describe('the watcher log', () => {
  it('writes JSON lines of service watcher with the cluster on each', () => {
    const out = collect();
    createLogger('watcher prod', 'info', out.write).info('all informers listed');
    expect(out.entries()).toEqual([expect.objectContaining({ level: 30, service: 'watcher', cluster: 'prod', msg: 'all informers listed' })]);
  });

  it('gives a line about a fingerprint the incident id and workflow id of that cluster', () => {
    const out = collect();
    const log = watcherLogger(createProcessLogger({ service: 'watcher', destination: { write: out.write }, env: {} }), 'prod');
    log.warn('signal for pod-x failed', { fingerprint: 'pod-x' });
    log.info('plain');
    const [about, plain] = out.entries();
    expect(about).toMatchObject({ level: 40, cluster: 'prod', fingerprint: 'pod-x', incidentId: 'incident/prod/pod-x', workflowId: 'incident/prod/pod-x' });
    expect(plain).not.toHaveProperty('incidentId');
  });

  it('keeps to its level: debug lines only at debug', () => {
    const out = collect();
    const log = createLogger('watcher prod replica-2', 'info', out.write);
    log.debug('pod shop/a updated');
    log.error('detecting failed');
    expect(out.entries()).toEqual([expect.objectContaining({ level: 50, identity: 'replica-2', msg: 'detecting failed' })]);
  });
});
