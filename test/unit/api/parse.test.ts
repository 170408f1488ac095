import { HELP_TEXT, parseCommand, type ParsedCommand } from '../../../api/commands/parse';

const ID = 'incident/prod-eu/deploy:shop:checkout';

function parsed(text: string): ParsedCommand {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got: ${r.error}`);
  return r.command;
}
function error(text: string): string {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(r.command)}`);
  return r.error;
}

describe('chat command parser', () => {
  it('parses /ack with and without an incident id', () => {
    expect(parsed('/ack')).toEqual({ kind: 'ack', incidentId: undefined });
    expect(parsed(`  /ack ${ID}  `)).toEqual({ kind: 'ack', incidentId: ID });
  });

  it('rejects /ack with something that is not an incident id, showing usage', () => {
    expect(error('/ack on it')).toMatch(/"on it" is not an incident id[\s\S]*Usage: \/ack/);
  });

  it('parses /handoff with a person and a note that keeps its spacing', () => {
    expect(parsed('/handoff @bob taking a break,  see thread')).toEqual({ kind: 'handoff', incidentId: undefined, to: '@bob', note: 'taking a break,  see thread' });
    expect(parsed(`/handoff ${ID} bob`)).toEqual({ kind: 'handoff', incidentId: ID, to: 'bob' });
    expect(parsed('/handoff <@U123|bob> over to you')).toMatchObject({ to: '<@U123|bob>', note: 'over to you' });
  });

  it('requires a person for /handoff', () => {
    expect(error('/handoff')).toMatch(/Who should take over\?[\s\S]*Usage: \/handoff/);
    expect(error(`/handoff ${ID}`)).toMatch(/Who should take over\?/);
    expect(error('/handoff "bob smith"')).toMatch(/is not a person/);
  });

  it('parses /resolve with a summary and an optional id', () => {
    expect(parsed('/resolve rolled back to v41')).toEqual({ kind: 'resolve', incidentId: undefined, summary: 'rolled back to v41' });
    expect(parsed(`/resolve ${ID} rolled back`)).toEqual({ kind: 'resolve', incidentId: ID, summary: 'rolled back' });
  });

  it('requires a summary for /resolve', () => {
    expect(error('/resolve')).toMatch(/summary is required[\s\S]*Usage: \/resolve/);
    expect(error(`/resolve ${ID}`)).toMatch(/summary is required/);
  });

  it('accepts every action as an /incident subcommand', () => {
    expect(parsed(`/incident ack ${ID}`)).toEqual({ kind: 'ack', incidentId: ID });
    expect(parsed('/incident handoff @carol')).toEqual({ kind: 'handoff', incidentId: undefined, to: '@carol' });
    expect(parsed('/incident resolve fixed the config')).toEqual({ kind: 'resolve', incidentId: undefined, summary: 'fixed the config' });
  });

  it('lists open incidents by default and accepts a status filter', () => {
    expect(parsed('/incident list')).toEqual({ kind: 'list', scope: 'open' });
    expect(parsed('/incident list ALL')).toEqual({ kind: 'list', scope: 'all' });
    expect(parsed('/incident list resolved')).toEqual({ kind: 'list', scope: 'resolved' });
    expect(error('/incident list closed')).toMatch(/"closed" is not a list filter; use one of triggered, acknowledged, resolved, open, all/);
  });

  it('parses /incident show with an id or none (implied by the thread)', () => {
    expect(parsed(`/incident show ${ID}`)).toEqual({ kind: 'show', incidentId: ID });
    expect(parsed('/incident show')).toEqual({ kind: 'show', incidentId: undefined });
    expect(error('/incident show checkout')).toMatch(/not an incident id/);
  });

  it('answers help for /incident, /incident help and /help', () => {
    for (const t of ['/incident', '/incident help', '/help']) expect(parsed(t)).toEqual({ kind: 'help' });
    expect(HELP_TEXT).toContain('/handoff [incident-id] @person [note]');
  });

  it('explains unknown commands and plain text with the help text', () => {
    expect(error('/acknowledge')).toMatch(/Unknown command "\/acknowledge"[\s\S]*Incident commands:/);
    expect(error('/incident page-everyone')).toMatch(/Unknown subcommand "page-everyone"/);
    expect(error('ack please')).toMatch(/Commands start with "\/"/);
  });

  it('is case-insensitive in command names', () => {
    expect(parsed('/ACK')).toEqual({ kind: 'ack', incidentId: undefined });
  });

  it('refuses overly long input', () => {
    expect(error(`/resolve ${'x'.repeat(4001)}`)).toMatch(/longer than 4000/);
  });
});
