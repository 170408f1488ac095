// `/incident action <text>`: the chat command that records a follow-up for the postmortem.
import { HELP_TEXT, parseCommand } from '../../../api/commands/parse';

const ID = 'incident/prod-eu/deploy:shop:checkout';

describe('the /incident action command', () => {
  it('parses the text, with or without an incident id, keeping its spacing', () => {
    expect(parseCommand('/incident action add a  memory alert')).toEqual({ ok: true, command: { kind: 'action', incidentId: undefined, text: 'add a  memory alert' } });
    expect(parseCommand(`/incident ACTION ${ID} load-test v42`)).toEqual({ ok: true, command: { kind: 'action', incidentId: ID, text: 'load-test v42' } });
  });

  it('asks for the text when it is missing, showing the usage', () => {
    const r = parseCommand(`/incident action ${ID}`);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/What should be followed up\?[\s\S]*Usage: \/incident action \[incident-id\] <text>/) });
    expect(parseCommand('/incident action').ok).toBe(false);
  });

  it('is listed in the help text', () => {
    expect(HELP_TEXT).toContain('/incident action [incident-id] <text>');
  });
});
