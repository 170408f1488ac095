// The Discord subcommands of the commands on-call people reach for (issue 14 item 5): Discord
// hands the options over split, and commandText must give the shared parser the same command.
import { DISCORD_COMMANDS, commandText, OptionType } from '../../../../platforms/discord/inbound/commands';
import { parseCommand } from '../../../../api/commands/parse';
import { apiTestConfig } from '../../api/fixtures';

const ID = 'incident/prod/deploy-shop-checkout';
const sub = (name: string, options: { name: string; value: string }[] = []) => ({
  name: 'incident',
  options: [{ type: OptionType.subCommand, name, options: options.map((o) => ({ ...o, type: OptionType.string })) }],
});

describe('Discord /incident on-call subcommands', () => {
  const config = apiTestConfig();

  it('are registered under /incident', () => {
    const names = (DISCORD_COMMANDS[0]!.options as { name: string }[]).map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['oncall', 'severity', 'escalate', 'snooze', 'reopen', 'runbook']));
  });

  it.each([
    [sub('oncall', [{ name: 'schedule', value: 'primary' }]), { kind: 'oncall', schedule: 'primary' }],
    [sub('severity', [{ name: 'level', value: 'critical' }, { name: 'incident', value: ID }]), { kind: 'severity', incidentId: ID, severity: 'critical' }],
    [sub('escalate'), { kind: 'escalate', incidentId: undefined }],
    [sub('snooze', [{ name: 'duration', value: '45m' }]), { kind: 'snooze', incidentId: undefined, durationMs: 45 * 60_000 }],
    [sub('reopen', [{ name: 'reason', value: 'still failing' }, { name: 'incident', value: ID }]), { kind: 'reopen', incidentId: ID, reason: 'still failing' }],
    [sub('runbook', [{ name: 'incident', value: ID }]), { kind: 'runbook', incidentId: ID }],
  ])('turns %j into the command the parser reads', (data, command) => {
    expect(parseCommand(commandText(data, config))).toEqual({ ok: true, command });
  });
});
