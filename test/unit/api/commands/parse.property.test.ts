// Property tests of the chat command language (api/commands/parse.ts): whatever a person types, the
// parser answers with a whole command or an error that shows what to type, never a throw or half a
// command; and every command it documents comes back from its text unchanged, with the mention forms
// each platform writes into the text (Slack, Discord, Teams after api/teams mentions, Mattermost, local).
import fc from 'fast-check';
import { HELP_TEXT, parseCommand, type ListScope, type ParsedCommand } from '../../../../api/commands/parse';
import { LIST_STATUSES } from '../../../../api/incidents';
import type { Person } from '../../../../config/schema';
import { commandText } from '../../../../platforms/teams/inbound/mentions';
import { assertProperty } from '../../../helpers/property';
import { SEVERITIES, SNOOZE_LIMITS_MS } from '../../../../workflows/definitions';
import { SILENCE_LIMITS_MS } from '../../../../workflows/silences-definitions';

const INCIDENT_ID = /^incident\/[^/\s]+\/[^/\s]+$/;
const PERSON = /^(@?[A-Za-z0-9._-]+|<@[^>]+>)$/;
const SCOPES: readonly ListScope[] = [...LIST_STATUSES, 'all'];

/** A command is whole when every field it carries is one its executor can act on. */
function isWhole(c: ParsedCommand): boolean {
  const idOk = (id: string | undefined) => id === undefined || INCIDENT_ID.test(id);
  const text = (t: string) => t.length > 0 && t === t.trim();
  switch (c.kind) {
    case 'ack':
    case 'show':
      return idOk(c.incidentId);
    case 'handoff':
      return idOk(c.incidentId) && PERSON.test(c.to) && (c.note === undefined || text(c.note));
    case 'resolve':
      return idOk(c.incidentId) && text(c.summary);
    case 'action':
      return idOk(c.incidentId) && text(c.text);
    case 'list':
      return SCOPES.includes(c.scope);
    case 'kubectl':
      return typeof c.args === 'string';
    case 'help':
      return Object.keys(c).length === 1;
    case 'oncall':
      return c.schedule === undefined || /^[A-Za-z0-9._-]+$/.test(c.schedule);
    case 'severity':
      return idOk(c.incidentId) && (SEVERITIES as readonly string[]).includes(c.severity);
    case 'escalate':
    case 'runbook':
      return idOk(c.incidentId);
    case 'snooze':
      return idOk(c.incidentId) && Number.isInteger(c.durationMs) && c.durationMs >= SNOOZE_LIMITS_MS.min && c.durationMs <= SNOOZE_LIMITS_MS.max;
    case 'reopen':
      return idOk(c.incidentId) && (c.reason === undefined || text(c.reason));
    case 'silence':
      return text(c.matcher) && Number.isInteger(c.durationMs) && c.durationMs >= SILENCE_LIMITS_MS.min && c.durationMs <= SILENCE_LIMITS_MS.max && (c.reason === undefined || text(c.reason));
    case 'silences':
      return Object.keys(c).length === 1;
    case 'unsilence':
      return /^s-\d+$/.test(c.id);
  }
}

/** An error tells the person what to type: a usage line, the command list, or how to shorten it. */
const showsWhatToType = (error: string) => /Usage: \/(ack|handoff|resolve|incident)\b/.test(error) || error.includes(HELP_TEXT) || /shorten the note or summary/.test(error);

// ---- generators ---------------------------------------------------------------------------------
const idChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-');
const idPart = fc.string({ unit: idChar, minLength: 1, maxLength: 24 });
const incidentId = fc.tuple(idPart, idPart).map(([c, f]) => `incident/${c}/${f}`);

/** Handoff targets as each platform puts them into the command text. */
const mention = fc.oneof(
  fc.stringMatching(/^@?[a-z][a-z0-9._-]{0,20}$/), // roster id or local / Mattermost user name
  fc.stringMatching(/^[UW][A-Z0-9]{8,10}$/).map((u) => `<@${u}>`), // Slack
  fc.tuple(fc.stringMatching(/^[UW][A-Z0-9]{8,10}$/), fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/)).map(([u, n]) => `<@${u}|${n}>`), // Slack with name
  fc.stringMatching(/^[1-9]\d{16,19}$/).map((u) => `<@${u}>`), // Discord
  fc.stringMatching(/^[1-9]\d{16,19}$/).map((u) => `<@!${u}>`), // Discord nickname mention
  fc.stringMatching(/^29:[A-Za-z0-9_-]{10,40}$/).map((u) => `<@${u}>`), // Teams user not on the roster
);

const space = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u2003', ' \n ');
/** Free text people write: quotes, emoji, accents, right-to-left, several lines. */
const word = fc.oneof(
  fc.stringMatching(/^[a-z0-9.,:'"!?()-]{1,12}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).map((s) => s.replace(/\s/g, '')).filter((s) => s.length > 0),
  fc.constantFrom('"rolled back"', "'v41'", '«ok»', 'naïve', 'Zoë', '日本語', 'שלום', '🔥', '👩‍🚒', '`kubectl`', '<b>', '&amp;', '@bob'),
);
const freeText = fc.tuple(word, fc.array(fc.tuple(space, word), { maxLength: 8 })).map(([w, rest]) => w + rest.map(([s, x]) => s + x).join(''));
/** A summary or note that does not start with an incident id (that word would be read as the id). */
const prose = freeText.filter((t) => !INCIDENT_ID.test(t.split(/\s/)[0]!));

const maybeId = fc.option(incidentId, { nil: undefined });
const command: fc.Arbitrary<ParsedCommand> = fc.oneof(
  maybeId.map((incidentId) => ({ kind: 'ack' as const, incidentId })),
  fc.record({ incidentId: maybeId, to: mention, note: fc.option(freeText, { nil: undefined }) }).map(({ note, ...c }) => ({ kind: 'handoff' as const, ...c, ...(note ? { note } : {}) })),
  fc.record({ incidentId: maybeId, summary: prose }).map((c) => ({ kind: 'resolve' as const, ...c })),
  fc.constantFrom(...SCOPES).map((scope) => ({ kind: 'list' as const, scope })),
  maybeId.map((incidentId) => ({ kind: 'show' as const, incidentId })),
  fc.record({ incidentId: maybeId, text: prose }).map((c) => ({ kind: 'action' as const, ...c })),
  fc.constant({ kind: 'help' as const }),
  fc.option(fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/), { nil: undefined }).map((schedule) => ({ kind: 'oncall' as const, ...(schedule ? { schedule } : {}) })),
  fc.record({ incidentId: maybeId, severity: fc.constantFrom(...SEVERITIES) }).map((c) => ({ kind: 'severity' as const, ...c })),
  maybeId.map((incidentId) => ({ kind: 'escalate' as const, incidentId })),
  fc.record({ incidentId: maybeId, durationMs: fc.integer({ min: 1, max: 1440 }).map((m) => m * 60_000) }).map((c) => ({ kind: 'snooze' as const, ...c })),
  fc.record({ incidentId: maybeId, reason: fc.option(prose, { nil: undefined }) }).map(({ reason, ...c }) => ({ kind: 'reopen' as const, ...c, ...(reason ? { reason } : {}) })),
  maybeId.map((incidentId) => ({ kind: 'runbook' as const, incidentId })),
);

const randomCase = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) => [...s].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''));

/** The text of a command, spelled as people may type it: short or /incident form, any case, extra blanks. */
function render(c: ParsedCommand): fc.Arbitrary<string> {
  const args = (...parts: (string | undefined)[]) => parts.filter((p): p is string => p !== undefined);
  const words: Record<ParsedCommand['kind'], string[]> = {
    ack: c.kind === 'ack' ? args(c.incidentId) : [],
    handoff: c.kind === 'handoff' ? args(c.incidentId, c.to, c.note) : [],
    resolve: c.kind === 'resolve' ? args(c.incidentId, c.summary) : [],
    list: c.kind === 'list' ? [c.scope] : [],
    show: c.kind === 'show' ? args(c.incidentId) : [],
    action: c.kind === 'action' ? args(c.incidentId, c.text) : [],
    kubectl: [],
    help: [],
    oncall: c.kind === 'oncall' ? args(c.schedule) : [],
    severity: c.kind === 'severity' ? args(c.incidentId, c.severity) : [],
    escalate: c.kind === 'escalate' ? args(c.incidentId) : [],
    snooze: c.kind === 'snooze' ? args(c.incidentId, `${c.durationMs / 60_000}m`) : [],
    reopen: c.kind === 'reopen' ? args(c.incidentId, c.reason) : [],
    runbook: c.kind === 'runbook' ? args(c.incidentId) : [],
    silence: c.kind === 'silence' ? args(c.matcher, `${c.durationMs / 60_000}m`, c.reason) : [],
    silences: [],
    unsilence: c.kind === 'unsilence' ? [c.id] : [],
  };
  const shortForm = ['ack', 'handoff', 'resolve', 'help'].includes(c.kind);
  const verbs = fc.constantFrom(...(shortForm ? [`/${c.kind}`, `/incident ${c.kind}`] : [`/incident ${c.kind}`]));
  return fc.tuple(verbs.chain(randomCase), fc.array(fc.constantFrom(' ', '  ', '\t'), { minLength: words[c.kind].length + 2, maxLength: words[c.kind].length + 2 }), fc.boolean()).map(([verb, gaps, scopeUpper]) => {
    const ws = c.kind === 'list' && scopeUpper ? [c.scope.toUpperCase()] : words[c.kind];
    return gaps[0] + verb + ws.map((w, i) => gaps[i + 1] + w).join('') + gaps[ws.length + 1];
  });
}

/** Inputs near the language (its verbs, ids, mentions, quotes) and far from it (any unicode). */
const anyInput = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom('/', '/ ', '', ' /', '//', '/incident ', '/INCIDENT '),
      fc.array(fc.oneof(fc.constantFrom('ack', 'handoff', 'resolve', 'list', 'show', 'action', 'help', 'kubectl', 'open', 'all', 'closed', 'Resolve', 'oncall', 'severity', 'escalate', 'snooze', 'reopen', 'runbook', 'critical', '30m', '25h', '0m'), incidentId, mention, word), { maxLength: 6 }),
      space,
    )
    .map(([lead, ws, sep]) => lead + ws.join(sep)),
  fc.tuple(fc.constantFrom('/resolve ', '/incident action ', '/handoff @bob '), fc.nat({ max: 200 })).map(([v, n]) => v + 'x'.repeat(3_900 + n)),
);

describe('chat command parser properties', () => {
  it('answers any input with a whole command or an error showing what to type, and never throws', () => {
    assertProperty(
      fc.property(anyInput, (input) => {
        const r = parseCommand(input);
        if (r.ok) return isWhole(r.command);
        return r.error.length > 0 && showsWhatToType(r.error);
      }),
    );
  });

  it('reads every documented command back from its text, in either form, any case and spacing', () => {
    assertProperty(
      fc.property(command.chain((c) => fc.tuple(fc.constant(c), render(c))), ([c, text]) => {
        const r = parseCommand(text);
        expect(r).toEqual({ ok: true, command: c });
      }),
    );
  });

  it('keeps a handoff target exactly as the platform wrote it, with the note after it verbatim', () => {
    assertProperty(
      fc.property(mention, freeText, (to, note) => {
        expect(parseCommand(`/handoff ${to} ${note}`)).toEqual({ ok: true, command: { kind: 'handoff', incidentId: undefined, to, note } });
      }),
    );
  });

  it('reads a Teams message the same way: the bot mention dropped, a person as @id or <@teams-id>, HTML around it', () => {
    const person = (id: string, teams: string) => ({ id, name: id, roles: ['responder'], chat: { teams } }) as unknown as Person;
    const people = [person('alice', '29:alice-aad'), person('bob', '29:bob-aad')];
    const bot = { id: '28:app', name: 'Incident Bot' };
    const displayName = fc.string({ unit: fc.constantFrom(...'abcdefgh XYZ.-éøß日'), minLength: 1, maxLength: 16 }).map((n) => n.trim()).filter((n) => n.length > 0 && n !== bot.name);
    const target = fc.oneof(fc.constantFrom('29:alice-aad', '29:bob-aad'), fc.stringMatching(/^29:[A-Za-z0-9_-]{6,20}$/));
    const plain = fc.array(fc.stringMatching(/^[a-z0-9.,:!?'()-]{1,10}$/), { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
    assertProperty(
      fc.property(displayName, target, plain, fc.constantFrom('handoff', 'incident handoff'), fc.boolean(), (name, teamsId, note, verb, html) => {
        const at = `<at>${name}</at>`;
        const body = `<at>${bot.name}</at> ${verb} ${at} ${note}`;
        const text = commandText({ text: html ? `<p>${body}</p>` : body, recipient: bot, entities: [{ type: 'mention', text: `<at>${bot.name}</at>`, mentioned: bot }, { type: 'mention', text: at, mentioned: { id: teamsId, name } }] }, people);
        const known = people.find((p) => p.chat.teams === teamsId);
        expect(parseCommand(text)).toEqual({ ok: true, command: { kind: 'handoff', incidentId: undefined, to: known ? `@${known.id}` : `<@${teamsId}>`, note } });
      }),
    );
  });

  it('refuses a handoff to text that is no person or mention, naming the usage', () => {
    const notAPerson = fc.oneof(
      fc.constantFrom('"bob"', "'bob'", 'Zoë', '@日本', 'bob!', '<@>', '@bob>', '<bob>', '#channel'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((s) => !/\s/.test(s) && !PERSON.test(s) && !INCIDENT_ID.test(s)),
    );
    assertProperty(
      fc.property(notAPerson, (to) => {
        const r = parseCommand(`/handoff ${to}`);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toContain(`"${to}" is not a person`);
      }),
    );
  });
});
