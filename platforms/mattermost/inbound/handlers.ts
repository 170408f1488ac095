// What the api does with what Mattermost sends, once it is authenticated: slash commands, the
// alert's buttons and the two dialogs. Everything runs through the shared executeCommand /
// executeAction, as the Mattermost user the server named. Changes made by commands are announced
// in the channel; refusals, errors, lists and help go only to the person who asked (ephemeral).
// Mattermost waits for these answers (its integration timeout defaults to 30 s), so they are
// given directly in the HTTP response.
import type { FastifyBaseLogger } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import type { IncidentAction } from '../../../activities/chat/message';
import { DIALOG_FIELDS, DIALOG_HANDOFF, DIALOG_RESOLVE, INCIDENT_ACTIONS, readDialogState, verifyActionToken } from '../shared/actions';
import type { MattermostClient } from '../shared/client';
import { LIMITS, defuseMentions, truncate } from '../shared/render';
import { executeAction, executeCommand, type CommandReply } from '../../../api/commands/execute';
import { parseCommand } from '../../../api/commands/parse';
import type { MattermostDirectory } from './directory';
import { handoffDialog, resolveDialog } from './dialogs';

export interface HandlerDeps {
  config: Config;
  temporal: Client;
  client: MattermostClient;
  directory: MattermostDirectory;
  actionSecret: string;
  /** Where Mattermost sends dialog submissions (the api's dialogs URL). */
  dialogsUrl: () => string;
  log: FastifyBaseLogger;
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

const FAILED = 'Something failed inside the incident service; its log has the details. Try again, or use the REST API.';
const refused = (code: string, message: string): HttpAnswer => ({ status: 401, body: { error: { code, message } } });
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reply text for Mattermost: mentions defused, /kubectl output in a code block, cut to the post limit. */
export function chatText(text: string, code = false): string {
  const [first, ...rest] = defuseMentions(text).split('\n');
  const out = code && rest.length ? `${first}\n\`\`\`\n${rest.join('\n').replace(/```/g, "'''")}\n\`\`\`` : [first, ...rest].join('\n');
  return truncate(out, LIMITS.message);
}

/** `@alice` (Mattermost resolved it to a user id) -> `@<roster id>`, or `<@user id>` for someone off the roster. */
async function rewriteMentions(text: string, mentions: [string, string][], directory: MattermostDirectory): Promise<string> {
  let out = text;
  for (const [name, id] of mentions) {
    const person = await directory.person(id);
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(^|\\s)@${escaped}(?![\\w.-])`, 'gi'), `$1${person ? `@${person.id}` : `<@${id}>`}`);
  }
  return out;
}

export function createHandlers(deps: HandlerDeps) {
  const { config, temporal, client, directory, log } = deps;
  const commandDeps = { client: temporal, config };

  async function act(...args: Parameters<typeof executeAction>): Promise<CommandReply> {
    try {
      return await executeAction(...args);
    } catch (err) {
      log.error({ err }, 'Mattermost action failed');
      return { text: FAILED, ephemeral: true };
    }
  }

  /** A button action's line in the alert's thread, so the channel sees who took the incident. */
  async function announce(channel: string | undefined, rootId: string | undefined, reply: CommandReply): Promise<void> {
    if (!reply.threadLine || !channel || !rootId) return;
    await client.createPost(mattermostThreadLine(channel, rootId, reply.threadLine)).catch((e: Error) => log.warn({ err: e.message }, 'could not post an action line in a Mattermost thread'));
  }

  /**
   * The incident a command means when it names none. Mattermost does not tell a slash command which
   * thread it was typed in, so it is the one open incident the bot posted about in this channel or
   * DM; with several open, the person must name one.
   */
  async function implied(text: string, channel: string): Promise<{ id?: string; ambiguous?: string[] }> {
    const parsed = parseCommand(text);
    if (!parsed.ok || parsed.command.kind === 'kubectl' || !('incidentId' in parsed.command) || parsed.command.incidentId) return {};
    const open = await directory.channelIncidents(temporal, channel).catch((err: Error) => {
      log.warn({ err: err.message, channel }, 'could not read the Mattermost channel');
      return [] as string[];
    });
    return open.length === 1 ? { id: open[0] } : open.length > 1 ? { ambiguous: open } : {};
  }

  return {
    /** POST /mattermost/command, after the token check. */
    async command(form: URLSearchParams): Promise<HttpAnswer> {
      const user = str(form.get('user_id'));
      const channel = str(form.get('channel_id'));
      const command = str(form.get('command'));
      if (!user || !channel || !command) return { status: 400, body: { error: { code: 'invalid_command', message: 'A Mattermost slash command carries user_id, channel_id and command.' } } };
      const names = form.getAll('user_mentions');
      const ids = form.getAll('user_mentions_ids');
      let reply: CommandReply;
      try {
        const actor = await directory.actor(user, str(form.get('user_name')));
        const full = await rewriteMentions(`${command} ${form.get('text') ?? ''}`.trim(), names.map((n, i) => [n, ids[i] ?? ''] as [string, string]).filter(([, id]) => id), directory);
        const target = await implied(full, channel);
        reply = target.ambiguous
          ? { text: `Several incidents are open here: ${target.ambiguous.join(', ')}. Name one, e.g. ${full.split(/\s+/)[0]} ${target.ambiguous[0]}`, ephemeral: true }
          : await executeCommand(full, { actor, platform: 'mattermost', channel, threadIncidentId: target.id }, commandDeps);
      } catch (err) {
        log.error({ err }, 'Mattermost command failed');
        reply = { text: FAILED, ephemeral: true };
      }
      const text = chatText(reply.text, command === '/kubectl' && !reply.ephemeral);
      return { status: 200, body: { response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', text, skip_slack_parsing: true } };
    },

    /** POST /mattermost/actions: a button on an alert. Acts only when the context's token verifies. */
    async action(body: unknown): Promise<HttpAnswer> {
      const b = (body && typeof body === 'object' ? body : {}) as Record<string, any>;
      const ctx = (b.context && typeof b.context === 'object' ? b.context : {}) as Record<string, unknown>;
      const action = INCIDENT_ACTIONS.find((a) => a === ctx.action) as IncidentAction | undefined;
      const incidentId = str(ctx.incident_id);
      if (!action || !incidentId || !verifyActionToken(deps.actionSecret, action, incidentId, ctx.token)) {
        log.warn({ action: ctx.action }, 'refused a Mattermost button callback without a valid action token');
        return refused('invalid_action_token', 'This button callback is not signed with platforms.mattermost.actionSecret.');
      }
      const user = str(b.user_id);
      if (!user) return { status: 400, body: { error: { code: 'invalid_action', message: 'A button callback carries user_id.' } } };
      if (action === 'ack') {
        const reply = await act('ack', incidentId, await directory.actor(user, str(b.user_name)), { platform: 'mattermost' }, commandDeps);
        await announce(str(b.channel_id), str(b.post_id), reply);
        return { status: 200, body: { ephemeral_text: chatText(reply.text), skip_slack_parsing: true } };
      }
      const target = { incidentId, user, ...(str(b.channel_id) ? { channel: str(b.channel_id) } : {}), ...(str(b.post_id) ? { post: str(b.post_id) } : {}) };
      try {
        const trigger = str(b.trigger_id);
        if (!trigger) throw new Error('no trigger_id');
        const dialog = action === 'handoff' ? handoffDialog(config, deps.actionSecret, target) : resolveDialog(deps.actionSecret, target);
        await client.openDialog({ trigger_id: trigger, url: deps.dialogsUrl(), dialog });
        return { status: 200, body: {} };
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not open a Mattermost dialog');
        const example = action === 'handoff' ? `/handoff ${incidentId} @someone note` : `/resolve ${incidentId} what fixed it`;
        return { status: 200, body: { ephemeral_text: `Could not open the ${action === 'handoff' ? 'hand-off' : 'resolve'} form. Use ${example} instead.`, skip_slack_parsing: true } };
      }
    },

    /** POST /mattermost/dialogs: a dialog submission. Acts only when the signed state verifies for this dialog and user. */
    async dialog(body: unknown): Promise<HttpAnswer> {
      const b = (body && typeof body === 'object' ? body : {}) as Record<string, any>;
      const callback = b.callback_id === DIALOG_HANDOFF || b.callback_id === DIALOG_RESOLVE ? (b.callback_id as string) : undefined;
      const user = str(b.user_id);
      const state = callback && user ? readDialogState(deps.actionSecret, callback, user, b.state) : undefined;
      if (!callback || !user || !state) {
        log.warn({ callback: b.callback_id }, 'refused a Mattermost dialog submission without a valid signed state');
        return refused('invalid_dialog_state', 'This dialog submission does not carry a state signed with platforms.mattermost.actionSecret.');
      }
      if (b.cancelled === true) return { status: 200, body: {} };
      const values = (b.submission && typeof b.submission === 'object' ? b.submission : {}) as Record<string, unknown>;
      const actor = await directory.actor(user);
      const reply =
        callback === DIALOG_HANDOFF
          ? await act('handoff', state.incidentId, actor, { to: str(values[DIALOG_FIELDS.to]), note: str(values[DIALOG_FIELDS.note]), platform: 'mattermost' }, commandDeps)
          : await act('resolve', state.incidentId, actor, { summary: str(values[DIALOG_FIELDS.summary]) }, commandDeps);
      await announce(state.channel, state.post, reply);
      // Done: the dialog closes and the alert shows the change. Refused: the dialog says why and stays open.
      return { status: 200, body: reply.result?.outcome === 'done' ? {} : { error: chatText(reply.text) } };
    },
  };
}

/** The post for an action's thread line (mentions defused like every reply). */
export function mattermostThreadLine(channel: string, rootId: string, line: string): { channel_id: string; root_id: string; message: string } {
  return { channel_id: channel, root_id: rootId, message: chatText(line) };
}
