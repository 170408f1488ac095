// Prints or registers the Discord app's slash commands (/incident, /ack, /handoff, /resolve,
// /kubectl). Discord keeps commands per application, so this runs once per change, not per start:
//   node dist/scripts/discord-commands.js                      print the JSON (PUT it yourself)
//   node dist/scripts/discord-commands.js --register [--guild <id>] [--config <path>]
// --register bulk-overwrites the commands with the bot token from platforms.discord (a guild's
// commands update at once; global ones can take a while to reach every client).
import { loadConfigOrExit, configPathFromArgs, readSecret } from '../config/load';
import { DiscordRest } from '../platforms/discord/shared/rest';
import { DISCORD_COMMANDS } from '../platforms/discord/inbound/commands';

/** PUT /applications/{id}[/guilds/{guild}]/commands: the registered commands become exactly these. */
export async function registerDiscordCommands(rest: DiscordRest, applicationId: string, guildId?: string): Promise<{ name: string; id: string }[]> {
  const path = guildId ? `/applications/${applicationId}/guilds/${guildId}/commands` : `/applications/${applicationId}/commands`;
  return rest.call<{ name: string; id: string }[]>('PUT', path, { body: DISCORD_COMMANDS });
}

async function main(argv: string[]): Promise<void> {
  if (!argv.includes('--register')) {
    process.stdout.write(`${JSON.stringify(DISCORD_COMMANDS, null, 2)}\n`);
    return;
  }
  const config = loadConfigOrExit(configPathFromArgs(argv));
  const d = config.platforms.discord;
  if (!d?.enabled || !d.applicationId || !d.botToken) throw new Error('platforms.discord must be enabled with applicationId and botToken to register commands');
  const guild = argv.includes('--guild') ? argv[argv.indexOf('--guild') + 1] : undefined;
  const rest = new DiscordRest({ apiUrl: d.apiUrl, token: readSecret(d.botToken), timeoutMs: d.requestTimeout });
  const registered = await registerDiscordCommands(rest, d.applicationId, guild);
  process.stdout.write(`registered ${registered.map((c) => `/${c.name}`).join(', ')} ${guild ? `in guild ${guild}` : 'globally'}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
