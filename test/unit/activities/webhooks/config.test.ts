// webhooks.endpoints in the config: defaults, and every bad value refused with its key named.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { webhookSinkFromConfig } from '../../../../activities/webhooks/sink';
import { configProblems, testConfig } from '../../../helpers/config';

const endpoint = (over: Record<string, unknown> = {}) => ({ name: 'ops', url: 'https://hooks.example.com/incidents', secret: { fromEnv: 'OPS_HOOK' }, ...over });
const problems = (...endpoints: Record<string, unknown>[]) => configProblems((raw) => (raw.webhooks = { endpoints }));

describe('webhooks config', () => {
  it('defaults to no endpoints, and an endpoint to every event type, no filter, a 10 s timeout and 24 h of retries', () => {
    expect(testConfig().webhooks).toEqual({ endpoints: [] });
    expect(testConfig((raw) => (raw.webhooks = { endpoints: [endpoint()] })).webhooks.endpoints[0]).toEqual({
      ...endpoint(),
      events: ['incident.triggered', 'incident.acknowledged', 'incident.escalated', 'incident.handed_off', 'incident.resolved', 'incident.reopened', 'incident.postmortem_ready', 'incident.silenced', 'incident.unsilenced', 'incident.snoozed', 'incident.snooze_ended'],
      match: {},
      timeout: 10_000,
      retryFor: 24 * 3_600_000,
    });
  });

  it('accepts the commented example in config/example.yaml once uncommented', () => {
    const example = readFileSync(join(__dirname, '../../../../config/example.yaml'), 'utf8');
    const block = /^# webhooks:\n(?:# {2}.*\n)+/m.exec(example)?.[0];
    expect(block).toBeDefined();
    const { webhooks } = parse(block!.replace(/^# ?/gm, '')) as { webhooks: unknown };
    expect(testConfig((raw) => (raw.webhooks = webhooks)).webhooks.endpoints.map((e) => [e.name, e.events.length, e.match.severity])).toEqual([['status-page', 2, ['critical', 'error']]]);
  });

  it.each([
    ['a URL that is not http(s)', { url: 'ftp://hooks.example.com/x' }, 'webhooks.endpoints[0].url: must be an http:// or https:// URL'],
    ['no URL at all', { url: 'hooks.example.com' }, 'webhooks.endpoints[0].url: expected a URL like https://hooks.example.com/incidents'],
    ['credentials in the URL', { url: 'https://user:pw@hooks.example.com/x' }, 'webhooks.endpoints[0].url: must not contain credentials'],
    ['a secret written in the file', { secret: 'hunter2' }, 'webhooks.endpoints[0].secret:'],
    ['a secret with both references', { secret: { fromEnv: 'A', fromFile: '/b' } }, 'webhooks.endpoints[0].secret: a secret needs exactly one of'],
    ['an unknown event type', { events: ['incident.opened'] }, 'webhooks.endpoints[0].events[0]:'],
    ['an empty event list', { events: [] }, 'webhooks.endpoints[0].events: list at least one event type'],
    ['an unknown severity', { match: { severity: ['urgent'] } }, 'webhooks.endpoints[0].match.severity[0]:'],
    ['an unknown match key', { match: { labels: { a: 'b' } } }, 'webhooks.endpoints[0].match: unknown key(s) "labels"'],
    ['a timeout over a minute', { timeout: '2m' }, 'webhooks.endpoints[0].timeout: expected a duration between'],
    ['retrying for less than a second', { retryFor: '500ms' }, 'webhooks.endpoints[0].retryFor: expected a duration of at least'],
    ['an upper-case name', { name: 'Ops' }, 'webhooks.endpoints[0].name: expected a lowercase name'],
  ])('refuses %s, naming the key', (_what, over, message) => {
    expect(problems(endpoint(over)).join('\n')).toContain(message);
  });

  it('refuses a missing secret and a second endpoint with the same name', () => {
    const { secret: _none, ...noSecret } = endpoint();
    expect(problems(noSecret).join('\n')).toContain('webhooks.endpoints[0].secret: is required');
    expect(problems(endpoint(), endpoint({ url: 'https://other.example.com/' }))).toEqual(['webhooks.endpoints[1].name: duplicate webhook endpoint name "ops": each endpoint needs its own']);
  });

  it('stops the worker at start when a secret cannot be read, naming the endpoint and never the value', () => {
    const cfg = testConfig((raw) => (raw.webhooks = { endpoints: [endpoint(), endpoint({ name: 'audit', secret: { fromFile: join(raw.dataDir, 'missing') } })] }));
    expect(() => webhookSinkFromConfig(() => cfg, { OPS_HOOK: 'x'.repeat(24) })).toThrow(`webhooks.endpoints[1].secret (endpoint "audit"): secret file ${join(cfg.dataDir, 'missing')} cannot be read`);
    expect(() => webhookSinkFromConfig(() => cfg, {})).toThrow('webhooks.endpoints[0].secret (endpoint "ops"): secret environment variable OPS_HOOK is not set');
    writeFileSync(join(cfg.dataDir, 'missing'), 'file-secret');
    expect(webhookSinkFromConfig(() => cfg, { OPS_HOOK: 'x' })?.name).toBe('webhooks');
    expect(webhookSinkFromConfig(() => testConfig())).toBeUndefined();
  });
});
