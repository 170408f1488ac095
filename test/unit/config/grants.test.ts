import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configProblems, exampleRaw } from '../../helpers/config';
import { parseConfig } from '../../../config/load';

describe('config for scoped roles (grants)', () => {
  it('keeps the default responder role for people without grants, and none for people with grants', () => {
    const raw = exampleRaw();
    raw.people.push({ id: 'dan', name: 'Dan' }, { id: 'eve', name: 'Eve', grants: [{ roles: ['admin'], clusters: ['dev'] }] });
    const cfg = parseConfig(raw, 'test');
    expect(cfg.people.find((p) => p.id === 'dan')).toMatchObject({ roles: ['responder'] });
    expect(cfg.people.find((p) => p.id === 'eve')).toMatchObject({ roles: [], grants: [{ roles: ['admin'], clusters: ['dev'] }] });
  });

  it('refuses a grant naming a cluster that is not configured, listing the known ones', () => {
    expect(configProblems((raw) => (raw.people[0].grants = [{ roles: ['responder'], clusters: ['prod'] }]))).toEqual([
      'people[0].grants[0].clusters[0]: unknown cluster "prod"; clusters are "dev"',
    ]);
  });

  it('accepts any cluster name while no clusters are configured (incidents come through the REST intake)', () => {
    expect(configProblems((raw) => { raw.clusters = []; delete raw.kubectl; raw.people[0].grants = [{ roles: ['responder'], clusters: ['prod'] }]; })).toEqual([]);
  });

  it('rejects unknown roles and empty grants', () => {
    const problems = configProblems((raw) => (raw.people[0].grants = [{ roles: ['owner'], clusters: ['dev'] }, { roles: [] }]));
    expect(problems.join('\n')).toMatch(/people\[0\]\.grants\[0\]\.roles\[0\]: .*"responder".*"admin"/);
    expect(problems.join('\n')).toMatch(/people\[0\]\.grants\[1\]\.roles: a grant needs at least one role/);
  });

  it('checks token grants the same way and asks for a person on a token with grants', () => {
    const problems = configProblems((raw) => {
      raw.api.tokens = [
        { name: 'ci', token: { fromEnv: 'X' }, person: 'alice', grants: [{ roles: ['responder'], clusters: ['nope'] }] },
        { name: 'svc', token: { fromEnv: 'Y' }, grants: [{ roles: ['responder'] }] },
      ];
    });
    expect(problems).toEqual([
      'api.tokens[0].grants[0].clusters[0]: unknown cluster "nope"; clusters are "dev"',
      'api.tokens[1].grants: grants narrow a token bound to a person; add api.tokens[].person (service tokens never act on incidents)',
    ]);
  });
});

describe('the example of grants in docs/authorization.md', () => {
  it('is a valid config once its clusters are configured', () => {
    const page = readFileSync(join(__dirname, '../../../docs/authorization.md'), 'utf8');
    const section = page.split('# Who may do what')[1]!.split('\n## ')[0]!;
    const example = parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]!) as Record<string, any>;
    const raw = exampleRaw();
    raw.clusters = [{ name: 'shop-eu' }, { name: 'shop-us' }];
    delete raw.kubectl;
    raw.people.push(...example.people);
    raw.api.tokens.push(...example.api.tokens);
    const bob = parseConfig(raw, 'docs/authorization.md example').people.find((p) => p.id === 'erin');
    expect(bob?.roles).toEqual([]);
    expect(bob?.grants).toHaveLength(2);
  });
});
