import { checkIncidentId, checkReadable, listQuery, quote, readScopeClause } from '../../../api/incidents';
import { InvalidIncidentIdError } from '../../../api/errors';
import { renderList } from '../../../api/commands/execute';
import { apiTestConfig } from './fixtures';
import type { Actor } from '../../../workflows/definitions';

describe('incident list query', () => {
  it('always restricts to the incident workflow type and lists runs, not their continuations', () => {
    expect(listQuery({})).toBe('WorkflowType = "incidentWorkflow" AND ExecutionStatus != "ContinuedAsNew"');
  });

  it('combines filters on the search attributes', () => {
    expect(listQuery({ status: 'triggered', severity: 'critical', cluster: 'prod-eu', namespace: 'shop' })).toBe(
      'WorkflowType = "incidentWorkflow" AND IncidentStatus = "triggered" AND IncidentSeverity = "critical" AND K8sCluster = "prod-eu" AND K8sNamespace = "shop" AND ExecutionStatus != "ContinuedAsNew"',
    );
  });

  it('expands "open" to triggered or acknowledged', () => {
    expect(listQuery({ status: 'open' })).toContain('IncidentStatus IN ("triggered", "acknowledged")');
  });

  it('escapes quotes and backslashes in values', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

describe('incident ids', () => {
  it('accepts incident/<cluster>/<fingerprint>', () => {
    expect(checkIncidentId('incident/prod-eu/deploy:shop:checkout')).toBe('incident/prod-eu/deploy:shop:checkout');
  });

  it('rejects anything else before Temporal is asked', () => {
    for (const id of ['checkout', 'incident/prod', 'incident/a/b/c', 'incident/a b/c', 'other/a/b']) expect(() => checkIncidentId(id)).toThrow(InvalidIncidentIdError);
  });
});

describe('incident list rendering for chat', () => {
  const config = apiTestConfig();

  it('says plainly when there is nothing', () => {
    expect(renderList([], 'open', config)).toBe('No open incidents.');
    expect(renderList([], 'all', config)).toBe('No incidents.');
  });

  it('shows status, severity, id, place and assignee by name', () => {
    const text = renderList(
      [{ id: 'incident/prod/x', status: 'acknowledged', severity: 'error', cluster: 'prod', namespace: 'shop', assignee: 'alice', startedAt: '2026-01-01T00:00:00.000Z', execution: 'RUNNING', runId: 'r1', openedAt: '2026-01-01T00:00:00.000Z' }],
      'open',
      config,
    );
    expect(text).toBe('1 open incident(s):\n• [ACKNOWLEDGED] [ERROR] incident/prod/x · prod/shop · Alice Liddell · since 2026-01-01T00:00:00.000Z');
  });

  it('tells two runs of one id apart by opening time and who resolved the earlier one', () => {
    const run = { id: 'incident/prod/x', severity: 'error' as const, cluster: 'prod', namespace: 'shop', assignee: 'alice', execution: 'COMPLETED' };
    const text = renderList(
      [
        { ...run, status: 'triggered', runId: 'r2', startedAt: '2026-01-02T00:00:00.000Z', openedAt: '2026-01-02T00:00:00.000Z', execution: 'RUNNING' },
        { ...run, status: 'resolved', runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', openedAt: '2026-01-01T00:00:00.000Z', resolvedBy: 'alice' },
      ],
      'all',
      config,
    );
    expect(text.split('\n').slice(1)).toEqual([
      '• [TRIGGERED] [ERROR] incident/prod/x · prod/shop · Alice Liddell · since 2026-01-02T00:00:00.000Z',
      '• [RESOLVED] [ERROR] incident/prod/x · prod/shop · Alice Liddell · since 2026-01-01T00:00:00.000Z · resolved by Alice Liddell',
    ]);
  });
});

describe('what a person with grants may read', () => {
  const person = (grants: Actor['grants'], roles: Actor['roles'] = []): Actor => ({ personId: 'bob', roles, grants, via: 'api:bob', display: 'Bob' });

  it('lists everything for global roles, service tokens and actors without grants', () => {
    expect(readScopeClause(undefined)).toBeUndefined();
    expect(readScopeClause(person(undefined, ['responder']))).toBeUndefined();
    expect(readScopeClause(person([{ roles: ['responder'], clusters: ['a'] }], ['responder']))).toBeUndefined();
    expect(readScopeClause(person([{ roles: ['responder'] }]))).toBeUndefined();
  });

  it('limits a list to the clusters and namespaces of the grants that carry a role', () => {
    const bob = person([{ roles: ['responder'], clusters: ['a'] }, { roles: ['admin'], clusters: ['b', 'c'], namespaces: ['shop'] }, { roles: [], clusters: ['z'] }]);
    const clause = readScopeClause(bob)!;
    expect(clause).toBe('((K8sCluster IN ("a")) OR (K8sCluster IN ("b", "c") AND K8sNamespace IN ("shop")))');
    expect(listQuery({ status: 'open' }, clause)).toContain(`AND ${clause} AND`);
  });

  it('lists nothing when no grant carries a role', () => {
    expect(readScopeClause(person([{ roles: [], clusters: ['a'] }]))).toBeNull();
  });

  it('refuses to show an incident the grants do not reach, naming the missing scope', () => {
    const bob = person([{ roles: ['responder'], clusters: ['a'] }]);
    expect(() => checkReadable(bob, { cluster: 'a', namespace: 'shop' })).not.toThrow();
    expect(() => checkReadable(bob, { cluster: 'b', namespace: 'shop' })).toThrow('You (bob) may read incidents of cluster a only; this one is in cluster b. Ask an admin to add cluster b to people[bob].grants or api.tokens[bob].grants.');
  });
});
