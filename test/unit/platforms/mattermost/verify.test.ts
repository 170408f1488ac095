// How the api authenticates what Mattermost sends: slash-command tokens, button tokens and signed
// dialog state. Each accepts exactly what our own configuration produced and nothing else.
import { DIALOG_TTL_MS, actionToken, readDialogState, signDialogState, verifyActionToken } from '../../../../platforms/mattermost/shared/actions';
import { CommandTokens } from '../../../../platforms/mattermost/inbound/verify';

const USER = 'u'.repeat(26);
const ID = 'incident/prod/x';

describe('Mattermost slash-command tokens', () => {
  const tokens = new CommandTokens(['incident-token-1', 'ack-token-22']);

  it('accepts any configured token, in the Authorization header, the form, or both', () => {
    expect(tokens.verify('Token ack-token-22', 'ack-token-22')).toEqual({ ok: true });
    expect(tokens.verify(undefined, 'incident-token-1')).toEqual({ ok: true });
    expect(tokens.verify('Token incident-token-1', undefined)).toEqual({ ok: true });
  });

  it('refuses a missing, unknown or mismatched token and a header of another scheme', () => {
    expect(tokens.verify(undefined, undefined)).toEqual({ ok: false, reason: 'no command token was sent' });
    expect(tokens.verify('Token nope', undefined).ok).toBe(false);
    expect(tokens.verify('Token ack-token-22', 'nope').ok).toBe(false);
    expect(tokens.verify('Bearer ack-token-22', 'ack-token-22')).toEqual({ ok: false, reason: expect.stringMatching(/not "Token <command token>"/) });
    expect(tokens.verify(undefined, 'ack-token-2').ok).toBe(false);
  });
});

describe('Mattermost button and dialog signatures', () => {
  it('binds a button token to its secret, action and incident', () => {
    const t = actionToken('s3cret', 'ack', ID);
    expect(verifyActionToken('s3cret', 'ack', ID, t)).toBe(true);
    expect(verifyActionToken('s3cret', 'resolve', ID, t)).toBe(false);
    expect(verifyActionToken('other', 'ack', ID, t)).toBe(false);
    expect(verifyActionToken('s3cret', 'ack', ID, undefined)).toBe(false);
    expect(verifyActionToken('s3cret', 'ack', ID, t.slice(0, -1))).toBe(false);
  });

  it('reads back dialog state only for the same dialog and user, untampered', () => {
    const state = signDialogState('s3cret', 'incident_resolve', USER, { incidentId: ID, channel: 'c'.repeat(26) });
    expect(readDialogState('s3cret', 'incident_resolve', USER, state)).toEqual({ incidentId: ID, channel: 'c'.repeat(26) });
    expect(readDialogState('s3cret', 'incident_handoff', USER, state)).toBeUndefined();
    expect(readDialogState('s3cret', 'incident_resolve', 'v'.repeat(26), state)).toBeUndefined();
    expect(readDialogState('other', 'incident_resolve', USER, state)).toBeUndefined();
    const tampered = JSON.stringify({ ...JSON.parse(state), s: JSON.stringify({ i: 'incident/prod/y', c: '', t: Date.now() }) });
    expect(readDialogState('s3cret', 'incident_resolve', USER, tampered)).toBeUndefined();
    expect(readDialogState('s3cret', 'incident_resolve', USER, 'not json')).toBeUndefined();
  });

  it('refuses dialog state older than an hour', () => {
    const opened = 1_700_000_000_000;
    const state = signDialogState('s3cret', 'incident_resolve', USER, { incidentId: ID }, opened);
    expect(readDialogState('s3cret', 'incident_resolve', USER, state, opened + DIALOG_TTL_MS)).toEqual({ incidentId: ID });
    expect(readDialogState('s3cret', 'incident_resolve', USER, state, opened + DIALOG_TTL_MS + 1)).toBeUndefined();
  });
});
