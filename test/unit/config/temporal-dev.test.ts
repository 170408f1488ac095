import { readFileSync } from 'node:fs';
import { loadTemporalDev, parseTemporalDev, startDevArgs } from '../../../config/temporal-dev';

describe('temporal-dev.yaml', () => {
  it('describes a persistent loopback dev server with the incident search attributes', () => {
    const cfg = loadTemporalDev('temporal-dev.yaml');
    const args = startDevArgs(cfg, '/repo');
    expect(args.slice(0, 4)).toEqual(['server', 'start-dev', '--ip', '127.0.0.1']);
    expect(args).toContain('/repo/data/temporal/dev.sqlite');
    expect(args).toContain('IncidentAssignee=Keyword');
    expect(args).toContain('frontend.enableUpdateWorkflowExecution=true');
  });

  it('names the key of an invalid value', () => {
    const text = readFileSync('temporal-dev.yaml', 'utf8').replace('port: 7233', 'port: seventy');
    expect(() => parseTemporalDev(text)).toThrow(/server\.port: .*expected number/);
  });

  it('refuses a server address outside loopback', () => {
    const text = readFileSync('temporal-dev.yaml', 'utf8').replace('ip: 127.0.0.1', 'ip: 10.0.0.5');
    expect(() => parseTemporalDev(text)).toThrow(/server\.ip: expected a loopback address/);
  });

  it('refuses a file that drops a search attribute the workflow upserts', () => {
    const text = readFileSync('temporal-dev.yaml', 'utf8').replace('  IncidentAssignee: Keyword\n', '');
    expect(() => parseTemporalDev(text)).toThrow(/searchAttributes\.IncidentAssignee: the incident workflow needs/);
  });
});
