import { readFileSync } from 'node:fs';
import { ConfigError, parseConfigText, loadConfigFile } from '../../../config/load';

describe('config loading', () => {
  it('accepts the shipped example used by make dev', () => {
    const cfg = loadConfigFile('config/example.yaml');
    expect(cfg.people.map((p) => p.id)).toEqual(['alice', 'bob', 'carol']);
    expect(cfg.escalationPolicies[0]!.levels[0]!.delay).toBe(300_000);
    expect(cfg.autoResolve.quietPeriod).toBe(120_000);
  });

  it('lists every problem by path and what is expected', () => {
    const text = readFileSync('config/example.yaml', 'utf8')
      .replace('delay: 5m', 'delay: soon')
      .replace('participants: [alice, bob]', 'participants: [alice, zed]')
      .replace('timezone: Europe/Berlin\n    layers', 'timezone: Mars/Olympus\n    layers')
      .replace('policy: default\n  default', 'policy: nope\n  default');
    let error: ConfigError | undefined;
    try {
      parseConfigText(text, 'bad.yaml');
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems.join('\n');
    expect(problems).toContain('escalationPolicies[0].levels[0].delay: expected a duration like "30s"');
    expect(problems).toContain('schedules[0].timezone: expected an IANA time zone');
    expect(error!.problems.length).toBeGreaterThanOrEqual(3);
  });

  it('names unknown keys so typos do not silently fall back to defaults', () => {
    const text = readFileSync('config/example.yaml', 'utf8').replace('alertUpdateDebounce: 2s', 'alertUpdateDebunce: 2s');
    expect(() => parseConfigText(text, 'typo.yaml')).toThrow(/\(top level\): unknown key\(s\) "alertUpdateDebunce"/);
  });

  it('refuses a schedule override at a time the calendar does not have instead of moving it', () => {
    const withOverride = (from: string) =>
      readFileSync('config/example.yaml', 'utf8').replace(/overrides: \[\]/, `overrides: [{ person: bob, from: "${from}", to: "2026-03-05T09:00:00Z" }]`);
    expect(() => parseConfigText(withOverride('2026-02-30T09:00:00Z'), 'feb30.yaml')).toThrow(/schedules\[0\]\.overrides\[0\]\.from: expected an ISO-8601 time/);
    expect(() => parseConfigText(withOverride('2026-03-01T24:00:00Z'), 'h24.yaml')).toThrow(/overrides\[0\]\.from/);
    expect(parseConfigText(withOverride('2026-02-28T09:00:00+01:00'), 'ok.yaml').schedules[0]!.overrides).toHaveLength(1);
  });

  it('reports YAML syntax errors before schema errors', () => {
    expect(() => parseConfigText('people: [alice', 'x.yaml')).toThrow(/YAML syntax/);
  });
});
