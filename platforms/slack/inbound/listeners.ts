// What the Slack app does with what Slack sends: slash commands, the alert's buttons, the two
// modals and @-mentions in incident threads. Everything runs through the shared executeCommand /
// executeAction, as the person Slack signed for. Changes are announced in the channel; refusals,
// errors, lists and help go only to the person who asked (ephemeral).
import type { App, ButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { FastifyBaseLogger } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import { ACTION_ID_PATTERN, METADATA_EVENT_TYPE, VIEW_HANDOFF, VIEW_RESOLVE, parseActionId } from '../shared/actions';
import { LIMITS, escapeText, truncate } from '../shared/blocks';
import { fencedReply } from '../../../activities/chat/message';
import { executeAction, executeCommand, type CommandReply } from '../../../api/commands/execute';
import { parseCommand } from '../../../api/commands/parse';
import { getIncident } from '../../../api/incidents';
import type { SlackDirectory } from './directory';
import { HANDOFF_NOTE, HANDOFF_TO, RESOLVE_SUMMARY, handoffModal, readViewContext, resolveModal } from './views';

export interface ListenerDeps {
  config: Config;
  temporal: Client;
  web: WebClient;
  directory: SlackDirectory;
  log: FastifyBaseLogger;
}

export const COMMANDS = /^\/(incident|ack|handoff|resolve|kubectl)$/;
const COMMAND_WORDS = new Set(['incident', 'ack', 'handoff', 'resolve', 'kubectl', 'help']);
/** Open incidents checked when a command names none and is not in a thread. */
const CHANNEL_CANDIDATES = 10;

/** Reply text for Slack: escaped, except user mentions, which should notify; cut to Slack's limit. */
export function chatText(s: string): string {
  return truncate(escapeText(s).replace(/&lt;@([UW][A-Z0-9]+)(?:\|[^&]*)?&gt;/g, '<@$1>'), LIMITS.messageText);
}

const FAILED = 'Something failed inside the incident service; its log has the details. Try again, or use the REST API.';

interface Metadata {
  event_type?: string;
  event_payload?: { incident_id?: string };
}
const incidentOf = (m: { metadata?: Metadata }) => (m.metadata?.event_type === METADATA_EVENT_TYPE ? m.metadata.event_payload?.incident_id || undefined : undefined);

export function registerListeners(bolt: App, deps: ListenerDeps): void {
  const { web, directory, log } = deps;
  const commandDeps = { client: deps.temporal, config: deps.config };

  /** Ephemeral answer to one person; falls back to the response_url when the channel refuses. */
  async function tell(to: { channel?: string; user: string; threadTs?: string; respond?: RespondFn }, text: string): Promise<void> {
    try {
      if (!to.channel) throw new Error('no channel to answer in');
      await web.chat.postEphemeral({ channel: to.channel, user: to.user, text: chatText(text), ...(to.threadTs ? { thread_ts: to.threadTs } : {}) });
    } catch (err) {
      if (!to.respond) return log.warn({ err: (err as Error).message, user: to.user }, 'could not answer a Slack user');
      await to.respond({ response_type: 'ephemeral', replace_original: false, text: chatText(text) }).catch((e: Error) => log.warn({ err: e.message }, 'could not answer a Slack user'));
    }
  }

  /** A button action's line in the alert's thread, so the channel sees who took the incident. */
  async function announce(channel: string | undefined, rootTs: string | undefined, reply: CommandReply): Promise<void> {
    if (!reply.threadLine || !channel || !rootTs) return;
    await web.chat.postMessage(slackThreadLine(channel, rootTs, reply.threadLine)).catch((e: Error) => log.warn({ err: e.message }, 'could not post an action line in a Slack thread'));
  }

  /** The incident whose thread this is: the root message's metadata. */
  async function threadIncident(channel: string, threadTs: string): Promise<string | undefined> {
    try {
      const res = await web.conversations.replies({ channel, ts: threadTs, limit: 1, include_all_metadata: true });
      return incidentOf(((res.messages ?? [])[0] ?? {}) as { metadata?: Metadata });
    } catch (err) {
      log.warn({ err: (err as Error).message, channel }, 'could not read the Slack thread root');
      return undefined;
    }
  }

  /** Open incidents the bot posted about in this channel (newest first), from message metadata. */
  async function channelIncidents(channel: string): Promise<string[]> {
    let ids: string[] = [];
    try {
      const res = await web.conversations.history({ channel, limit: 100, include_all_metadata: true });
      ids = [...new Set((res.messages ?? []).map((m) => incidentOf(m as { metadata?: Metadata })).filter((x): x is string => !!x))];
    } catch (err) {
      log.warn({ err: (err as Error).message, channel }, 'could not read the Slack channel history');
    }
    const open: string[] = [];
    for (const id of ids.slice(0, CHANNEL_CANDIDATES)) {
      const state = await getIncident(deps.temporal, id).catch(() => undefined);
      if (state && state.status !== 'resolved') open.push(id);
    }
    return open;
  }

  /**
   * The incident a command means when it names none: the thread's incident, else the one open
   * incident alerted (or paged) in this channel. Several open ones: the person must name one.
   */
  async function implied(text: string, channel: string, threadTs?: string): Promise<{ id?: string; ambiguous?: string[] }> {
    const parsed = parseCommand(text);
    if (!parsed.ok) return {};
    // /kubectl takes its incident (default namespace, timeline) from the thread only, as in local chat.
    if (parsed.command.kind === 'kubectl') return threadTs ? { id: await threadIncident(channel, threadTs) } : {};
    if (!('incidentId' in parsed.command) || parsed.command.incidentId) return {};
    if (threadTs) {
      const id = await threadIncident(channel, threadTs);
      if (id) return { id };
    }
    const open = await channelIncidents(channel);
    return open.length === 1 ? { id: open[0] } : open.length > 1 ? { ambiguous: open } : {};
  }

  const ambiguity = (ids: string[], text: string) =>
    `Several incidents are open here: ${ids.join(', ')}. Name one, e.g. ${text.split(/\s+/)[0]} ${ids[0]}`;

  async function run(text: string, user: string, channel: string, threadTs?: string): Promise<CommandReply> {
    try {
      const actor = await directory.actor(user);
      const full = await directory.rewriteMentions(text);
      const target = await implied(full, channel, threadTs);
      if (target.ambiguous) return { text: ambiguity(target.ambiguous, full), ephemeral: true };
      return await executeCommand(full, { actor, platform: 'slack', channel, threadIncidentId: target.id }, commandDeps);
    } catch (err) {
      log.error({ err }, 'Slack command failed');
      return { text: FAILED, ephemeral: true };
    }
  }

  /** executeAction, with unexpected failures answered instead of swallowed. */
  async function act(...args: Parameters<typeof executeAction>): Promise<CommandReply> {
    try {
      return await executeAction(...args);
    } catch (err) {
      log.error({ err }, 'Slack action failed');
      return { text: FAILED, ephemeral: true };
    }
  }

  // ---- slash commands: /incident, /ack, /handoff, /resolve ------------------------------------
  bolt.command(COMMANDS, async ({ command, ack, respond }) => {
    await ack(); // within Slack's 3 s; the answer follows through the response_url
    const reply = await run(`${command.command} ${command.text ?? ''}`.trim(), command.user_id, command.channel_id);
    await respond({ response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', text: replyText(reply) });
  });

  // ---- buttons on the alert -------------------------------------------------------------------
  bolt.action(ACTION_ID_PATTERN, async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const button = action as ButtonAction;
    const kind = parseActionId(button.action_id);
    const incidentId = button.value;
    if (!kind || !incidentId) return;
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const threadTs = (body.container?.thread_ts as string | undefined) ?? body.message?.thread_ts;
    const to = { channel, user, threadTs, respond };
    const rootTs = threadTs ?? body.message?.ts ?? (body.container?.message_ts as string | undefined);
    if (kind === 'ack') {
      const reply = await act('ack', incidentId, await directory.actor(user), { platform: 'slack' }, commandDeps);
      await announce(channel, rootTs, reply);
      return tell(to, reply.text);
    }
    const ctx = { incidentId, channel, threadTs, rootTs };
    try {
      await web.views.open({ trigger_id: body.trigger_id, view: kind === 'handoff' ? handoffModal(ctx) : resolveModal(ctx) });
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      await tell(to, `Could not open the ${kind === 'handoff' ? 'hand-off' : 'resolve'} form (${code}). Use /${kind} ${incidentId} instead.`);
    }
  });

  // ---- modals ---------------------------------------------------------------------------------
  bolt.view(VIEW_HANDOFF, async ({ ack, view, body }) => {
    const ctx = readViewContext(view.private_metadata);
    if (!ctx) return void (await ack());
    const selected = view.state.values[HANDOFF_TO.block]?.[HANDOFF_TO.action]?.selected_user;
    if (!selected) return void (await ack({ response_action: 'errors', errors: { [HANDOFF_TO.block]: 'Pick who should take over.' } }));
    const target = await directory.person(selected);
    if (!target)
      return void (await ack({ response_action: 'errors', errors: { [HANDOFF_TO.block]: 'That person is not on the incident roster (people[].chat.slack in the config). Pick someone who is.' } }));
    await ack();
    const note = view.state.values[HANDOFF_NOTE.block]?.[HANDOFF_NOTE.action]?.value ?? undefined;
    const reply = await act('handoff', ctx.incidentId, await directory.actor(body.user.id), { to: target.id, note, platform: 'slack' }, commandDeps);
    await announce(ctx.channel, ctx.rootTs, reply);
    await tell({ channel: ctx.channel, user: body.user.id, threadTs: ctx.threadTs }, reply.text);
  });

  bolt.view(VIEW_RESOLVE, async ({ ack, view, body }) => {
    const ctx = readViewContext(view.private_metadata);
    if (!ctx) return void (await ack());
    const summary = view.state.values[RESOLVE_SUMMARY.block]?.[RESOLVE_SUMMARY.action]?.value?.trim();
    if (!summary) return void (await ack({ response_action: 'errors', errors: { [RESOLVE_SUMMARY.block]: 'Say what fixed it.' } }));
    await ack();
    const reply = await act('resolve', ctx.incidentId, await directory.actor(body.user.id), { summary }, commandDeps);
    await announce(ctx.channel, ctx.rootTs, reply);
    await tell({ channel: ctx.channel, user: body.user.id, threadTs: ctx.threadTs }, reply.text);
  });

  // ---- "@bot ack" in an incident thread (slash commands cannot be used in threads) -------------
  bolt.event('app_mention', async ({ event, context }) => {
    if (context.retryNum || !event.user) return; // Slack redelivers when we were slow; the first delivery ran it
    const me = context.botUserId;
    const words = event.text.replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (m, id: string) => (id === me ? '' : m)).trim();
    const text = words.startsWith('/') ? words : `/${words}`;
    const first = text.slice(1).split(/\s+/)[0]?.toLowerCase() ?? '';
    const threadTs = event.thread_ts;
    const reply = COMMAND_WORDS.has(first) ? await run(text, event.user, event.channel, threadTs) : await run('/incident help', event.user, event.channel);
    if (reply.ephemeral) return tell({ channel: event.channel, user: event.user, threadTs }, reply.text);
    await web.chat.postMessage({ channel: event.channel, thread_ts: threadTs ?? event.ts, text: replyText(reply) });
  });
}

/** A public answer's text: /kubectl output in a ``` block (mrkdwn), everything escaped. */
export function replyText(reply: CommandReply): string {
  return chatText(reply.preformatted ? fencedReply(reply.text) : reply.text);
}

/** chat.postMessage arguments for an action's thread line (escaped like every reply). */
export function slackThreadLine(channel: string, rootTs: string, line: string): { channel: string; thread_ts: string; text: string } {
  return { channel, thread_ts: rootTs, text: chatText(line) };
}
