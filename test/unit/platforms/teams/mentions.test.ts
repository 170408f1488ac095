// Teams message text -> the shared command language, and who is acting.
import { commandText, teamsActor, threadRoot } from '../../../../platforms/teams/inbound/mentions';
import { parseCommand } from '../../../../api/commands/parse';
import { parseConfig } from '../../../../config/load';
import { exampleRaw } from '../../../helpers/config';

const BOB_AAD = '00000000-0000-0000-0000-0000000000b0';
const config = (() => {
  const raw = exampleRaw();
  raw.people[0].chat = { local: 'alice', teams: '29:alice' };
  raw.people[1].chat = { local: 'bob', teams: BOB_AAD };
  return parseConfig(raw, 'mentions test config');
})();
const bot = { id: '28:app', name: 'Incident Bot' };
const botMention = { type: 'mention', text: '<at>Incident Bot</at>', mentioned: bot };

describe('Teams messages as commands', () => {
  it('drops the bot mention and turns the rest into a command', () => {
    expect(commandText({ text: '<at>Incident Bot</at> ack', recipient: bot, entities: [botMention] }, config.people)).toBe('/ack');
    expect(commandText({ text: '<at>Incident Bot</at>  incident   list', recipient: bot, entities: [botMention] }, config.people)).toBe('/incident list');
  });

  it('turns a mentioned roster member into their person id, matched by Teams id or Azure AD object id', () => {
    const text = commandText(
      {
        text: '<at>Incident Bot</at> handoff <at>Bob Marley</at> taking over',
        recipient: bot,
        entities: [botMention, { type: 'mention', text: '<at>Bob Marley</at>', mentioned: { id: '29:bob-teams', name: 'Bob Marley', aadObjectId: BOB_AAD } }],
      },
      config.people,
    );
    expect(text).toBe('/handoff @bob taking over');
    expect(parseCommand(text)).toEqual({ ok: true, command: { kind: 'handoff', to: '@bob', note: 'taking over' } });
  });

  it('keeps an unknown mentioned user as a platform mention, so the refusal names who was asked for', () => {
    const text = commandText(
      { text: '<at>Incident Bot</at> handoff <at>Mallory</at>', recipient: bot, entities: [botMention, { type: 'mention', text: '<at>Mallory</at>', mentioned: { id: '29:mallory' } }] },
      config.people,
    );
    expect(text).toBe('/handoff <@29:mallory>');
    expect(parseCommand(text)).toMatchObject({ ok: true, command: { kind: 'handoff', to: '<@29:mallory>' } });
  });

  it('strips rich-text markup and decodes entities in a summary', () => {
    const text = commandText({ text: '<p><at>Incident Bot</at> resolve rolled back &amp; fixed&nbsp;the tag</p>', recipient: bot, entities: [botMention] }, config.people);
    expect(text).toBe('/resolve rolled back & fixed the tag');
  });

  it('answers an empty mention with help', () => {
    expect(commandText({ text: '<at>Incident Bot</at>', recipient: bot, entities: [botMention] }, config.people)).toBe('/incident help');
  });

  it('finds the alert a thread reply hangs under from the conversation id', () => {
    expect(threadRoot({ conversation: { id: '19:ops@thread.tacv2;messageid=1700000000001' } })).toBe('1700000000001');
    expect(threadRoot({ conversation: { id: '19:ops@thread.tacv2' } })).toBeUndefined();
  });

  it('maps the signed sender to a roster person by Azure AD object id or Teams id, never by name', () => {
    expect(teamsActor(config, { id: '29:bob-teams', name: 'Bob', aadObjectId: BOB_AAD })).toMatchObject({ personId: 'bob', via: `teams:${BOB_AAD}` });
    expect(teamsActor(config, { id: '29:alice', name: 'Alice' })).toMatchObject({ personId: 'alice', via: 'teams:29:alice' });
    expect(teamsActor(config, { id: '29:mallory', name: 'Alice Liddell' })).toMatchObject({ personId: null, roles: [], display: 'Alice Liddell' });
  });
});
