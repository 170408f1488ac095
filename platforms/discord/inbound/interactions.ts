// What the Discord app does with a verified interaction: slash commands, the alert's buttons and the
// two modals behind Hand off and Resolve. Everything runs through the shared executeCommand /
// executeAction as the user Discord signed for (member.user in a server, user in a DM), mapped to
// the roster by people[].chat.discord. Changes are announced in the channel; refusals, errors,
// lists and help are ephemeral (only the person who asked sees them).
import type { FastifyBaseLogger } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import type { Actor } from '../../../workflows/definitions';
import { discordContent, LIMITS, truncate } from '../shared/embed';
import { idDigest, MODAL_INPUTS, parseCustomId, readMarks } from '../shared/ids';
import type { DiscordChannel, DiscordMessage, DiscordRest } from '../shared/rest';
import { executeAction, executeCommand, type CommandReply } from '../../../api/commands/execute';
import { parseCommand } from '../../../api/commands/parse';
import { actorFor } from '../../../api/identity';
import { getIncident } from '../../../api/incidents';
import { commandText, type CommandData } from './commands';

export const InteractionType = { ping: 1, command: 2, component: 3, autocomplete: 4, modalSubmit: 5 } as const;
export const ResponseType = { pong: 1, message: 4, deferredMessage: 5, modal: 9 } as const;
/** Message flag: only the user who interacted sees the answer. */
export const EPHEMERAL = 1 << 6;
/** Channel types of threads: a command typed in one means the alert the thread hangs from. */
const THREAD_TYPES = new Set([10, 11, 12]);
/** Open incidents checked when a command names none and is not in a thread. */
const CHANNEL_CANDIDATES = 10;

export interface DiscordUser {
  id: string;
  username?: string;
  global_name?: string | null;
}

export interface Interaction {
  id: string;
  application_id: string;
  type: number;
  token: string;
  data?: Record<string, any>;
  guild_id?: string;
  channel_id?: string;
  channel?: { id: string; type: number; parent_id?: string | null };
  member?: { user: DiscordUser; nick?: string | null };
  user?: DiscordUser;
  message?: DiscordMessage;
}

export interface InteractionResponse {
  type: number;
  data?: Record<string, unknown>;
}

export interface InteractionDeps {
  config: Config;
  client: Client;
  /** Discord REST with the bot token: thread starters and recent messages, to imply the incident. */
  rest: DiscordRest;
  log: FastifyBaseLogger;
}

export const FAILED = 'Something failed inside the incident service; its log has the details. Try again, or use the REST API.';

/** Reply text for Discord: kubectl output in a code block, the rest escaped; within 2000 characters. */
export function replyContent(text: string): string {
  const [head, ...rest] = text.split('\n');
  if (head?.startsWith('$ ') && rest.length > 0) {
    const body = rest.join('\n').replace(/```/g, '`\u200b``');
    const cut = '\n… (cut at Discord\'s 2000 characters)';
    const room = LIMITS.content - head.length - 9;
    return `${head}\n\`\`\`\n${body.length > room ? `${body.slice(0, room - cut.length)}${cut}` : body}\n\`\`\``;
  }
  return discordContent(text);
}

export function messageResponse(text: string, ephemeral: boolean): InteractionResponse {
  return { type: ResponseType.message, data: { content: replyContent(text), allowed_mentions: { parse: [] }, ...(ephemeral ? { flags: EPHEMERAL } : {}) } };
}
const answer = (reply: CommandReply) => messageResponse(reply.text, reply.ephemeral);
/** A button or form action: when it changed the incident, the public answer is its thread line (who did what). */
const announce = (reply: CommandReply) => messageResponse(reply.threadLine ?? reply.text, reply.ephemeral);

const textInput = (custom_id: string, label: string, opts: { style: 1 | 2; required: boolean; max: number; placeholder: string }) => ({
  type: 1,
  components: [{ type: 4, custom_id, label, style: opts.style, required: opts.required, max_length: opts.max, placeholder: opts.placeholder, ...(opts.required ? { min_length: 1 } : {}) }],
});

export function handoffModal(customId: string): InteractionResponse {
  return {
    type: ResponseType.modal,
    data: {
      custom_id: customId,
      title: 'Hand off incident',
      components: [
        textInput(MODAL_INPUTS.handoffTo, 'Who takes over?', { style: 1, required: true, max: 100, placeholder: 'roster id (bob), @mention or Discord user id' }),
        textInput(MODAL_INPUTS.handoffNote, 'Note', { style: 2, required: false, max: 2000, placeholder: 'What they should know' }),
      ],
    },
  };
}

export function resolveModal(customId: string): InteractionResponse {
  return {
    type: ResponseType.modal,
    data: { custom_id: customId, title: 'Resolve incident', components: [textInput(MODAL_INPUTS.resolveSummary, 'What fixed it?', { style: 2, required: true, max: 3000, placeholder: 'e.g. rolled back to v41' })] },
  };
}

/** Text input values of a modal submission by custom_id (action rows, or Label components). */
export function modalValues(components: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (c: any) => {
    if (!c || typeof c !== 'object') return;
    if (typeof c.custom_id === 'string' && typeof c.value === 'string') out[c.custom_id] = c.value;
    for (const child of [...(Array.isArray(c.components) ? c.components : []), c.component]) walk(child);
  };
  (Array.isArray(components) ? components : []).forEach(walk);
  return out;
}

export function createInteractionHandler(deps: InteractionDeps): (i: Interaction) => Promise<InteractionResponse> {
  const { config, client, rest, log } = deps;
  const commandDeps = { client, config };

  let me: Promise<string> | undefined;
  const botUserId = async () => {
    me ??= rest.call<{ id: string }>('GET', '/users/@me').then((u) => u.id);
    return me.catch((err: unknown) => {
      me = undefined;
      throw err;
    });
  };

  function actorOf(i: Interaction): Actor {
    const user = i.member?.user ?? i.user;
    if (!user?.id) return actorFor(config, 'discord', 'unknown');
    const actor = actorFor(config, 'discord', user.id);
    return actor.personId ? actor : { ...actor, display: i.member?.nick ?? user.global_name ?? user.username ?? user.id };
  }

  /** Where the interaction happened: the channel, and for threads the alert (= thread id) and its channel. */
  async function placeOf(i: Interaction): Promise<{ channel?: string; thread?: string; parent?: string }> {
    const id = i.channel?.id ?? i.channel_id;
    if (!id) return {};
    let ch: { type?: number; parent_id?: string | null } | undefined = i.channel;
    // Discord sends a partial channel; ask for the rest only when the thread's parent is missing.
    if (!ch || (THREAD_TYPES.has(ch.type ?? -1) && !ch.parent_id)) ch = await rest.call<DiscordChannel>('GET', `/channels/${id}`).catch(() => ch);
    if (ch?.type !== undefined && THREAD_TYPES.has(ch.type) && ch.parent_id) return { channel: id, thread: id, parent: ch.parent_id };
    return { channel: id };
  }

  /** The incident of an alert thread: the starter message (the alert) names it in its footer. */
  async function threadIncident(parent: string, thread: string): Promise<string | undefined> {
    try {
      return readMarks(await rest.call<DiscordMessage>('GET', `/channels/${parent}/messages/${thread}`)).incidentId;
    } catch (err) {
      log.warn({ err: (err as Error).message, thread }, 'could not read the Discord thread starter');
      return undefined;
    }
  }

  /** Open incidents the bot posted about (alerts, pages) among the channel's recent messages, newest first. */
  async function channelIncidents(channel: string): Promise<string[]> {
    let ids: string[] = [];
    try {
      const bot = await botUserId();
      const recent = await rest.call<DiscordMessage[]>('GET', `/channels/${channel}/messages`, { query: { limit: 100 } });
      ids = [...new Set(recent.filter((m) => m.author?.id === bot).map((m) => readMarks(m).incidentId).filter((x): x is string => !!x))];
    } catch (err) {
      log.warn({ err: (err as Error).message, channel }, 'could not read the Discord channel history');
    }
    const open: string[] = [];
    for (const id of ids.slice(0, CHANNEL_CANDIDATES)) {
      const state = await getIncident(client, id).catch(() => undefined);
      if (state && state.status !== 'resolved') open.push(id);
    }
    return open;
  }

  /** The incident a command means when it names none: the thread's, else the one open incident posted here. */
  async function implied(text: string, place: { channel?: string; thread?: string; parent?: string }): Promise<{ id?: string; ambiguous?: string[] }> {
    const parsed = parseCommand(text);
    if (!parsed.ok) return {};
    const inThread = async () => (place.thread && place.parent ? threadIncident(place.parent, place.thread) : undefined);
    // /kubectl takes its incident (default namespace, timeline) from the thread only, as on every platform.
    if (parsed.command.kind === 'kubectl') return { id: await inThread() };
    if (!('incidentId' in parsed.command) || parsed.command.incidentId) return {};
    const id = await inThread();
    if (id) return { id };
    if (!place.channel) return {};
    const open = await channelIncidents(place.channel);
    return open.length === 1 ? { id: open[0] } : open.length > 1 ? { ambiguous: open } : {};
  }

  async function onCommand(i: Interaction): Promise<InteractionResponse> {
    const text = commandText((i.data ?? { name: '' }) as CommandData, config);
    const place = await placeOf(i);
    const target = await implied(text, place);
    if (target.ambiguous) return messageResponse(`Several incidents are open here: ${target.ambiguous.join(', ')}. Name one with the incident option.`, true);
    // /kubectl policies name the alert channel, also when the command is typed in one of its threads.
    const channel = place.parent ?? place.channel;
    return answer(await executeCommand(text, { actor: actorOf(i), platform: 'discord', channel, threadIncidentId: target.id }, commandDeps));
  }

  /** The full incident id behind a custom id: itself, or (for long ids) the message footer matching the digest. */
  function incidentOf(customId: string, message?: DiscordMessage): { action?: string; incidentId?: string } {
    const parsed = parseCustomId(customId);
    if (!parsed) return {};
    if (parsed.incidentId) return { action: parsed.action, incidentId: parsed.incidentId };
    const fromFooter = message ? readMarks(message).incidentId : undefined;
    return { action: parsed.action, incidentId: fromFooter && idDigest(fromFooter) === parsed.digest ? fromFooter : undefined };
  }

  async function onComponent(i: Interaction): Promise<InteractionResponse> {
    const customId = String(i.data?.custom_id ?? '');
    const { action, incidentId } = incidentOf(customId, i.message);
    if (!action || !incidentId) return messageResponse('This button is not one the incident bot knows (or its incident cannot be read from the message). Use /incident list and the slash commands instead.', true);
    if (action === 'handoff') return handoffModal(customId);
    if (action === 'resolve') return resolveModal(customId);
    return announce(await executeAction('ack', incidentId, actorOf(i), { platform: 'discord' }, commandDeps));
  }

  async function onModalSubmit(i: Interaction): Promise<InteractionResponse> {
    const { action, incidentId } = incidentOf(String(i.data?.custom_id ?? ''), i.message);
    if (!incidentId || (action !== 'handoff' && action !== 'resolve')) return messageResponse('This form is not one the incident bot knows. Use /handoff or /resolve instead.', true);
    const values = modalValues(i.data?.components);
    const args =
      action === 'handoff'
        ? { to: values[MODAL_INPUTS.handoffTo], note: values[MODAL_INPUTS.handoffNote], platform: 'discord' as const }
        : { summary: values[MODAL_INPUTS.resolveSummary] };
    return announce(await executeAction(action, incidentId, actorOf(i), args, commandDeps));
  }

  return async (i) => {
    try {
      switch (i.type) {
        case InteractionType.ping:
          return { type: ResponseType.pong };
        case InteractionType.command:
          return await onCommand(i);
        case InteractionType.component:
          return await onComponent(i);
        case InteractionType.modalSubmit:
          return await onModalSubmit(i);
        default:
          return messageResponse(`The incident bot does not handle interactions of type ${truncate(String(i.type), 10)}.`, true);
      }
    } catch (err) {
      log.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'Discord interaction failed');
      return messageResponse(FAILED, true);
    }
  };
}
