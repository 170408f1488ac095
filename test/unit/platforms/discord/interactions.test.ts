// The pure parts of the Discord interactions: slash-command options -> the shared command language,
// the registered command JSON, modal values, reply rendering, and answering late (deferred) when
// the incident service is slower than Discord's 3 seconds.
import { DISCORD_COMMANDS, commandText, OptionType } from '../../../../platforms/discord/inbound/commands';
import { EPHEMERAL, handoffModal, messageResponse, modalValues, replyContent, resolveModal } from '../../../../platforms/discord/inbound/interactions';
import { answerInTime, deliverLate } from '../../../../platforms/discord/inbound/routes';
import { parseCommand } from '../../../../api/commands/parse';
import { DiscordRest } from '../../../../platforms/discord/shared/rest';
import { validateModal } from '../../../fakes/discord/validate';
import { FakeDiscord } from '../../../fakes/discord/server';
import { testConfig } from '../../../helpers/config';
import { registerDiscordCommands } from '../../../../scripts/discord-commands';

const BOB = '222222222222222222';
const MALLORY = '999999999999999999';
const config = testConfig((raw) => raw.people.forEach((p: any) => p.id === 'bob' && (p.chat.discord = BOB)));
const opt = (name: string, value: string, type: number = OptionType.string) => ({ name, type, value });
const sub = (name: string, options: object[] = []) => [{ name, type: OptionType.subCommand, options }];

describe('Discord slash commands', () => {
  it('turn options back into the shared command language, a picked roster user becoming @<person id>', () => {
    expect(commandText({ name: 'ack' }, config)).toBe('/ack');
    expect(commandText({ name: 'ack', options: [opt('incident', 'incident/prod/x')] }, config)).toBe('/ack incident/prod/x');
    expect(commandText({ name: 'handoff', options: [opt('user', BOB, OptionType.user), opt('note', 'taking over')] }, config)).toBe('/handoff @bob taking over');
    expect(commandText({ name: 'handoff', options: [opt('user', MALLORY, OptionType.user)] }, config)).toBe(`/handoff <@${MALLORY}>`);
    expect(commandText({ name: 'resolve', options: [opt('summary', 'fixed image tag')] }, config)).toBe('/resolve fixed image tag');
    expect(commandText({ name: 'kubectl', options: [opt('args', 'get pods -n shop')] }, config)).toBe('/kubectl get pods -n shop');
  });

  it('read /incident subcommands the same way, and each result parses', () => {
    const cases: [object, string][] = [
      [{ name: 'incident', options: sub('list', [opt('status', 'all')]) }, '/incident list all'],
      [{ name: 'incident', options: sub('show') }, '/incident show'],
      [{ name: 'incident', options: sub('handoff', [opt('user', BOB, OptionType.user), opt('incident', 'incident/prod/x')]) }, '/incident handoff incident/prod/x @bob'],
      [{ name: 'incident', options: sub('resolve', [opt('summary', 'rolled back')]) }, '/incident resolve rolled back'],
      [{ name: 'incident', options: sub('action', [opt('text', 'add an alert')]) }, '/incident action add an alert'],
      [{ name: 'incident', options: sub('help') }, '/incident help'],
    ];
    for (const [data, text] of cases) {
      expect(commandText(data as any, config)).toBe(text);
      expect(parseCommand(text).ok).toBe(true);
    }
  });

  it('are registered as valid Discord command JSON: lowercase names, short descriptions, required options first', () => {
    expect(DISCORD_COMMANDS.map((c) => c.name)).toEqual(['incident', 'ack', 'handoff', 'resolve', 'kubectl']);
    const check = (options: any[] = []) => {
      const firstOptional = options.findIndex((o) => o.type !== OptionType.subCommand && !o.required);
      expect(options.slice(firstOptional < 0 ? options.length : firstOptional).every((o) => !o.required)).toBe(true);
      for (const o of options) {
        expect(o.name).toMatch(/^[-_a-z0-9]{1,32}$/);
        expect(o.description.length).toBeLessThanOrEqual(100);
        check(o.options);
      }
    };
    for (const c of DISCORD_COMMANDS) {
      expect(c.description.length).toBeLessThanOrEqual(100);
      check(c.options);
    }
  });
});

describe('Discord modals and replies', () => {
  it('opens hand-off and resolve forms Discord accepts, keyed by the button custom id', () => {
    for (const m of [handoffModal('incident:handoff:incident/prod/x'), resolveModal('incident:resolve:incident/prod/x')]) {
      expect(m.type).toBe(9);
      expect(validateModal(m.data!)).toEqual({});
    }
    expect(handoffModal('incident:handoff:x').data!.custom_id).toBe('incident:handoff:x');
  });

  it('reads submitted values from action rows and from Label components alike', () => {
    const rows = [{ type: 1, components: [{ type: 4, custom_id: 'to', value: 'bob' }] }, { type: 1, components: [{ type: 4, custom_id: 'note', value: '' }] }];
    expect(modalValues(rows)).toEqual({ to: 'bob', note: '' });
    expect(modalValues([{ type: 18, component: { type: 4, custom_id: 'summary', value: 'fixed' } }])).toEqual({ summary: 'fixed' });
    expect(modalValues(undefined)).toEqual({});
  });

  it('answers ephemerally with flag 64 or in the channel, never letting a mention ping', () => {
    expect(messageResponse('Refused', true)).toEqual({ type: 4, data: { content: 'Refused', allowed_mentions: { parse: [] }, flags: EPHEMERAL } });
    expect(messageResponse('Acknowledged by Alice', false).data).not.toHaveProperty('flags');
  });

  it('puts kubectl output in a code block cut to 2000 characters, and escapes other replies', () => {
    const out = replyContent(`$ kubectl get pods  [cluster prod]\n${'pod-x   1/1   Running\n'.repeat(200)}`);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out).toMatch(/^\$ kubectl get pods {2}\[cluster prod\]\n```\n/);
    expect(out).toMatch(/cut at Discord's 2000 characters\)\n```$/);
    expect(replyContent('see [x](http://evil)')).toBe('see \\[x\\](http://evil)');
  });
});

describe('answering after Discord\'s 3 seconds', () => {
  let fake: FakeDiscord;
  beforeAll(async () => (fake = await FakeDiscord.start()));
  afterAll(async () => fake?.stop());

  it('answers at once when the work is quick', async () => {
    const { response, followUp } = await answerInTime(Promise.resolve(messageResponse('done', false)), 500, async () => undefined);
    expect(response.data?.content).toBe('done');
    expect(followUp).toBeUndefined();
  });

  it('defers a slow answer as ephemeral "thinking", announces a change in the channel, then edits the answer in', async () => {
    const token = fake.issueInteractionToken();
    const rest = new DiscordRest({ apiUrl: fake.apiUrl, timeoutMs: 2_000 });
    const slow = new Promise<ReturnType<typeof messageResponse>>((r) => setTimeout(() => r(messageResponse('Acknowledged by Alice Liddell', false)), 200));
    const { response, followUp } = await answerInTime(slow, 20, (r) => deliverLate(rest, fake.applicationId, token, r));
    expect(response).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    await followUp;
    expect(fake.followUps.filter((f) => f.token === token).map((f) => [f.kind, f.body.content])).toEqual([
      ['followup', 'Acknowledged by Alice Liddell'],
      ['original', 'Acknowledged by Alice Liddell'],
    ]);
    // The webhook calls are authorized by the interaction token alone; the bot token never goes there.
    expect(fake.requestsTo('PATCH', /^\/webhooks\//).map((r) => [r.status, r.auth])).toEqual([[200, false]]);
  });

  it('registers the slash commands by bulk overwrite, globally or in one guild', async () => {
    const rest = new DiscordRest({ apiUrl: fake.apiUrl, token: fake.botToken, timeoutMs: 2_000 });
    const registered = await registerDiscordCommands(rest, fake.applicationId);
    expect(registered.map((c) => c.name)).toEqual(['incident', 'ack', 'handoff', 'resolve', 'kubectl']);
    await registerDiscordCommands(rest, fake.applicationId, fake.guildId);
    expect([...fake.commands.keys()]).toEqual(['global', fake.guildId]);
    expect(fake.requestsTo('PUT', /commands$/).every((r) => r.auth && r.status === 200)).toBe(true);
  });

  it('never names the interaction token when a late answer cannot be delivered', async () => {
    const rest = new DiscordRest({ apiUrl: fake.apiUrl, timeoutMs: 2_000 });
    const err = await deliverLate(rest, fake.applicationId, 'expired-token-value', messageResponse('x', true)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/Unknown Webhook.*interaction expired/);
    expect((err as Error).message).toContain('/webhooks/');
    expect((err as Error).message).not.toContain('expired-token-value');
  });

  it('keeps a late refusal to the caller only', async () => {
    const token = fake.issueInteractionToken();
    const rest = new DiscordRest({ apiUrl: fake.apiUrl, timeoutMs: 2_000 });
    await deliverLate(rest, fake.applicationId, token, messageResponse('Refused: not on the roster', true));
    expect(fake.followUps.filter((f) => f.token === token).map((f) => f.kind)).toEqual(['original']);
  });
});
