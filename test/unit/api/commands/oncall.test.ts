// The commands on-call people reach for, above the workflow: their grammar (one parser for every
// platform), the on-call answer and the runbook from the config, and the REST bodies.
import { parseCommand, HELP_TEXT } from '../../../../api/commands/parse';
import { onCall, renderOnCall, runbookOf } from '../../../../api/commands/oncall';
import { commandBody } from '../../../../api/commands/rest-bodies';
import { ApiError, type ValidationError } from '../../../../api/errors';
import { initialState } from '../../../../workflows/state';
import { anomaly } from '../../../helpers/anomaly';
import { actor } from '../../../helpers/actors';
import { apiTestConfig } from '../fixtures';

const ID = 'incident/prod-eu/deploy:shop:checkout';
const parsed = (text: string) => {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(r.error);
  return r.command;
};
const error = (text: string) => {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`parsed ${text}`);
  return r.error;
};

describe('the grammar of the on-call commands', () => {
  it('reads each verb with and without an incident id', () => {
    expect(parsed('/incident oncall')).toEqual({ kind: 'oncall' });
    expect(parsed('/incident oncall primary')).toEqual({ kind: 'oncall', schedule: 'primary' });
    expect(parsed(`/incident severity ${ID} CRITICAL`)).toEqual({ kind: 'severity', incidentId: ID, severity: 'critical' });
    expect(parsed('/incident escalate')).toEqual({ kind: 'escalate', incidentId: undefined });
    expect(parsed(`/incident snooze ${ID} 1h30m`)).toEqual({ kind: 'snooze', incidentId: ID, durationMs: 90 * 60_000 });
    expect(parsed('/incident reopen errors are  back')).toEqual({ kind: 'reopen', incidentId: undefined, reason: 'errors are  back' });
    expect(parsed(`/incident runbook ${ID}`)).toEqual({ kind: 'runbook', incidentId: ID });
  });

  it('says what to type for a missing or wrong severity or duration', () => {
    expect(error('/incident severity')).toMatch(/Which severity\? Name one of info, warning, error, critical[\s\S]*Usage: \/incident severity/);
    expect(error('/incident severity sev1')).toMatch(/"sev1" is not a severity/);
    expect(error('/incident snooze')).toMatch(/For how long\?/);
    expect(error('/incident snooze soon')).toMatch(/"soon" is not a duration; write it like 30m/);
    expect(error('/incident snooze 25h')).toMatch(/from 1m to 1d; 25h is outside that\. For longer, acknowledge/);
    expect(error('/incident escalate now please')).toMatch(/"now please" is not an incident id/);
    expect(error('/incident oncall a b')).toMatch(/at most one schedule/);
  });

  it('lists every new verb in the help text', () => {
    for (const verb of ['oncall', 'severity', 'escalate', 'snooze', 'reopen', 'runbook']) expect(HELP_TEXT).toContain(`/incident ${verb}`);
  });
});

describe('who is on call', () => {
  const config = apiTestConfig((raw) => {
    raw.schedules = [{ id: 'primary', timezone: 'Europe/Berlin', layers: [{ rotation: 'daily', handoffTime: '09:00', start: '2026-01-05', participants: [raw.people[0].id, raw.people[1].id] }] }];
  });
  const [first, second] = config.people;

  it('answers per schedule with names and the next handoff on the schedule\'s clock', () => {
    const text = renderOnCall(onCall(config, actor(first!.id), undefined, Date.parse('2026-01-05T12:00:00+01:00')), config);
    expect(text).toBe(`primary: ${first!.name} now; next ${second!.name} from Tue 6 Jan 09:00 Europe/Berlin (08:00 UTC)`);
  });

  it('names the schedules there are when asked for an unknown one', () => {
    expect(() => onCall(config, actor(first!.id), 'secondary', 0)).toThrow(/There is no schedule "secondary"\. Schedules: primary\./);
  });

  it('is refused to someone off the roster', () => {
    expect(() => onCall(config, actor(null, [], 'slack:U0MALLORY'), undefined, 0)).toThrow(ApiError);
    expect(() => onCall(config, actor(null, [], 'slack:U0MALLORY'), undefined, 0)).toThrow(/not on the roster/);
  });
});

describe('the runbook of an incident', () => {
  const config = apiTestConfig((raw) => {
    raw.routing.rules = [{ name: 'shop', match: { namespace: ['shop'] }, channels: raw.routing.default.channels, policy: raw.routing.default.policy, runbook: 'https://runbooks.example/shop' }];
    raw.routing.default.runbook = 'https://runbooks.example/general';
  });
  const state = (namespace: string, runbookUrl?: string) =>
    initialState('incident/prod-eu/x', anomaly({ resource: { kind: 'Pod', name: 'p', namespace }, ...(runbookUrl ? { annotations: { runbookUrl } } : {}) }), '2026-12-05T10:00:00Z');

  it("prefers the alert's runbook_url annotation", () => {
    expect(runbookOf(state('shop', 'https://wiki.example/crashloop'), config)).toEqual({ url: 'https://wiki.example/crashloop', source: 'annotation' });
  });

  it('falls back to the matching routing rule, then the default route', () => {
    expect(runbookOf(state('shop'), config)).toEqual({ url: 'https://runbooks.example/shop', source: 'routing rule shop' });
    expect(runbookOf(state('other'), config)).toEqual({ url: 'https://runbooks.example/general', source: 'default route' });
  });

  it('ignores an annotation that is not an http(s) address (older or foreign state)', () => {
    const s = state('shop');
    (s as any).annotations = { runbookUrl: 'javascript:alert(1)' };
    expect(runbookOf(s, config).url).toBe('https://runbooks.example/shop');
  });

  it('refuses a routing runbook that is not an http(s) address at config load', () => {
    expect(() => apiTestConfig((raw) => (raw.routing.default.runbook = 'ftp://x'))).toThrow(/routing\.default\.runbook.*http:\/\/ or https:\/\//s);
  });
});

describe('REST bodies of the commands', () => {
  it('reads severity, snooze durations and reopen reasons', () => {
    expect(commandBody('severity', { severity: 'error' })).toEqual({ command: 'severity', severity: 'error' });
    expect(commandBody('snooze', { duration: '45m' })).toEqual({ command: 'snooze', durationMs: 45 * 60_000 });
    expect(commandBody('reopen', { reason: ' back ' })).toEqual({ command: 'reopen', reason: 'back' });
    expect(commandBody('escalate', undefined)).toEqual({ command: 'escalate' });
  });

  it('names each field to fix', () => {
    const fields = (command: Parameters<typeof commandBody>[0], body: unknown) => {
      try {
        commandBody(command, body);
      } catch (err) {
        return (err as ValidationError).fields;
      }
      throw new Error('accepted');
    };
    expect(fields('severity', {})).toEqual([{ path: 'severity', message: expect.stringContaining('one of info, warning, error, critical') }]);
    expect(fields('snooze', { duration: '2d' })).toEqual([{ path: 'duration', message: expect.stringContaining('from 1m to 1d') }]);
    expect(fields('escalate', { level: 3 })).toEqual([expect.objectContaining({ message: expect.stringContaining('level') })]);
  });
});
