// intake.alertmanager in the config file: defaults when absent, refusals naming the key.
import { configProblems, testConfig } from '../../../helpers/config';

describe('intake.alertmanager', () => {
  it('defaults to kube-prometheus label names, a 1 MiB limit and no basic auth', () => {
    const absent = testConfig((raw) => delete raw.intake);
    expect(absent.intake.alertmanager).toEqual({
      clusterLabel: 'cluster',
      severityLabel: 'severity',
      severityMap: { critical: 'critical', error: 'error', warning: 'warning', info: 'info', none: 'info' },
      defaultSeverity: 'warning',
      maxBodyBytes: 1048576,
      maxConcurrent: 8,
    });
    expect(testConfig().intake.alertmanager.maxBodyBytes).toBe(1048576);
  });

  it('refuses label names Prometheus would not accept, unknown severities and a password written in the file', () => {
    const problems = configProblems((raw) => {
      raw.intake = { alertmanager: { clusterLabel: 'k8s-cluster', severityMap: { P1: 'urgent' }, basicAuth: { username: 'am', password: 'hunter2hunter2hunter2' } } };
    });
    expect(problems.join('\n')).toMatch(/intake\.alertmanager\.clusterLabel: a Prometheus label name/);
    expect(problems.join('\n')).toMatch(/intake\.alertmanager\.severityMap\.P1/);
    expect(problems.join('\n')).toMatch(/intake\.alertmanager\.basicAuth\.password/);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
