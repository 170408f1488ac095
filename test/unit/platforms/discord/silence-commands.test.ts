// The Discord subcommands for silences (issue 14 item 3), and a guard that every /incident verb of
// the shared command language is registered on Discord: Discord only offers registered subcommands,
// so a verb missing there cannot be typed at all.
import { DISCORD_COMMANDS, commandText, OptionType } from '../../../../platforms/discord/inbound/commands';
import { parseCommand, USAGE } from '../../../../api/commands/parse';
import { registerDiscordCommands } from '../../../../scripts/discord-commands';
import { DiscordRest } from '../../../../platforms/discord/shared/rest';
import { FakeDiscord } from '../../../fakes/discord/server';
import { apiTestConfig } from '../../api/fixtures';

const MATCHER = '{namespace="shop", kind=~"Pod|Deployment"}';
const sub = (name: string, options: { name: string; value: string }[] = []) => ({
  name: 'incident',
  options: [{ type: OptionType.subCommand, name, options: options.map((o) => ({ ...o, type: OptionType.string })) }],
});

describe('Discord /incident silence subcommands', () => {
  const config = apiTestConfig();

  it.each([
    [sub('silence', [{ name: 'matcher', value: MATCHER }, { name: 'duration', value: '2h' }, { name: 'reason', value: 'planned deploy' }]), { kind: 'silence', matcher: MATCHER, durationMs: 2 * 3_600_000, reason: 'planned deploy' }],
    [sub('silence', [{ name: 'duration', value: '30m' }, { name: 'matcher', value: '{cluster="prod"}' }]), { kind: 'silence', matcher: '{cluster="prod"}', durationMs: 30 * 60_000 }],
    [sub('silences'), { kind: 'silences' }],
    [sub('unsilence', [{ name: 'id', value: 's-3' }]), { kind: 'unsilence', id: 's-3' }],
  ])('turns %j into the command the parser reads', (data, command) => {
    expect(parseCommand(commandText(data, config))).toEqual({ ok: true, command });
  });

  it('hands a bad matcher or id to the shared parser, whose answer says what to fix', () => {
    const open = parseCommand(commandText(sub('silence', [{ name: 'matcher', value: '{namespace="shop"' }, { name: 'duration', value: '1h' }]), config));
    expect(open).toMatchObject({ ok: false, error: expect.stringContaining('close the braces') });
    const id = parseCommand(commandText(sub('unsilence', [{ name: 'id', value: 'shop' }]), config));
    expect(id).toMatchObject({ ok: false, error: expect.stringContaining('/incident silences lists them') });
  });

  it('ask for the matcher and duration first and say the allowed durations', () => {
    const silence = (DISCORD_COMMANDS[0]!.options as { name: string; options: { name: string; required: boolean; description: string }[] }[]).find((o) => o.name === 'silence')!;
    expect(silence.options.map((o) => [o.name, o.required])).toEqual([['matcher', true], ['duration', true], ['reason', false]]);
    expect(silence.options[1]!.description).toContain('1m to 7d');
  });
});

describe('registering the Discord commands', () => {
  let fake: FakeDiscord;
  beforeAll(async () => (fake = await FakeDiscord.start()));
  afterAll(async () => fake?.stop());

  it('puts every /incident verb of the shared command language under /incident, silences and on-call verbs included', async () => {
    const rest = new DiscordRest({ apiUrl: fake.apiUrl, token: fake.botToken, timeoutMs: 2_000 });
    await registerDiscordCommands(rest, fake.applicationId);
    const incident = (fake.commands.get('global') as { name: string; options: { name: string; type: number }[] }[]).find((c) => c.name === 'incident')!;
    const registered = incident.options.filter((o) => o.type === OptionType.subCommand).map((o) => o.name);
    const verbs = Object.keys(USAGE).filter((v) => v !== 'kubectl'); // /kubectl is its own command
    expect(verbs).toEqual(expect.arrayContaining(['silence', 'silences', 'unsilence', 'oncall', 'severity', 'escalate', 'snooze', 'reopen', 'runbook']));
    expect(registered.sort()).toEqual(verbs.sort());
  });
});
