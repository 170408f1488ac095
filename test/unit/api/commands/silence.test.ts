import { parseCommand } from '../../../../api/commands/parse';
import { renderSilences } from '../../../../api/commands/silence';

describe('the silence verbs of the command language', () => {
  it('reads a braced matcher with spaces, a duration and a reason', () => {
    expect(parseCommand('/incident silence {namespace="shop", kind=~"Pod|Deployment"} 2h rolling out v2')).toEqual({
      ok: true,
      command: { kind: 'silence', matcher: '{namespace="shop", kind=~"Pod|Deployment"}', durationMs: 7_200_000, reason: 'rolling out v2' },
    });
    expect(parseCommand('/incident silence namespace=shop 30m')).toEqual({ ok: true, command: { kind: 'silence', matcher: 'namespace=shop', durationMs: 1_800_000 } });
    expect(parseCommand('/incident silence {reason="a } b"} 1h')).toMatchObject({ ok: true, command: { matcher: '{reason="a } b"}' } });
  });

  it('reads the list and the removal', () => {
    expect(parseCommand('/incident silences')).toEqual({ ok: true, command: { kind: 'silences' } });
    expect(parseCommand('/INCIDENT unsilence s-12')).toEqual({ ok: true, command: { kind: 'unsilence', id: 's-12' } });
  });

  it.each([
    ['/incident silence', 'Say what to silence'],
    ['/incident silence {namespace="shop" 2h', 'close the braces'],
    ['/incident silence {namespace="shop"}', 'For how long?'],
    ['/incident silence {namespace="shop"} soon', '"soon" is not a duration'],
    ['/incident silence {namespace="shop"} 30s', 'A silence lasts from 1m to 7d'],
    ['/incident silence {team!="x"} 1h', 'matches every alert'],
    ['/incident unsilence', 'Which silence?'],
    ['/incident unsilence 12', '"12" is not a silence id'],
    ['/incident silences now', 'Unexpected "now"'],
  ])('answers %s with what to type', (text, message) => {
    const r = parseCommand(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
    expect(!r.ok && r.error).toMatch(/Usage: \/incident (un)?silences?/);
  });

  it('lists silences one a line, or says there are none', () => {
    expect(renderSilences([])).toBe('No active silences.');
    expect(renderSilences([{ id: 's-1', matchers: [], matcher: '{namespace="shop"}', createdBy: 'alice', createdAt: '', until: '2026-12-05T22:00:00.000Z', untilMs: 0, reason: 'deploy' }])).toBe(
      'Active silences:\n  s-1 {namespace="shop"} until 2026-12-05T22:00:00.000Z by alice: deploy',
    );
  });
});
