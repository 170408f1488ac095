// What the bot does with an authenticated Teams activity: messages that mention it are chat
// commands (`@bot ack`, `@bot handoff @bob note`, `@bot resolve summary`, `@bot incident list`),
// and card buttons arrive as `adaptiveCard/action` invokes answered with the refreshed card (or the
// card plus the refusal, which only the person who pressed sees). Both run through the same
// commands as every other platform, acting as the person the signed activity names.
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import type { IncidentState } from '../../../workflows/definitions';
import { buildIncidentMessage, type MessageContext } from '../../../activities/chat/message';
import { CARD_CONTENT_TYPE, CARD_VERBS, cardAttachment, cardContextFor, codeCard, renderAdaptiveCard, type CardContext, type CardVerb } from '../shared/card';
import { executeAction, executeCommand, type ActionArgs, type CommandReply } from '../../../api/commands/execute';
import { ApiError } from '../../../api/errors';
import { getIncident, listIncidents, type IncidentSummary } from '../../../api/incidents';
import { commandText, teamsActor, threadRoot, type TeamsAccount, type TeamsEntity } from './mentions';
import { pinnedTenants, tenantOf, tenantRefusal } from './tenant';

export interface TeamsActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  serviceUrl?: string;
  channelId?: string;
  from?: TeamsAccount;
  recipient?: TeamsAccount;
  conversation?: { id: string; tenantId?: string; conversationType?: string };
  channelData?: { tenant?: { id?: string } };
  entities?: TeamsEntity[];
  value?: unknown;
}

export interface InvokeResult {
  status: number;
  body: unknown;
}

export type TeamsTurnHandler = (
  activity: TeamsActivity,
  io: {
    reply(activity: Record<string, unknown>): Promise<void>;
    /** Posts into the thread of message `rootId` of this conversation (a reply to an invoke would address the invoke). */
    thread?(rootId: string, activity: Record<string, unknown>): Promise<void>;
  },
) => Promise<InvokeResult | undefined>;

export interface TeamsHandlerDeps {
  config: Config;
  client: Client;
  log?: { info(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
}

const THREAD_CACHE_MAX = 5_000;
const THREAD_SCAN_LIMIT = 100;

export function messageContext(config: Config): MessageContext {
  return {
    names: Object.fromEntries(config.people.map((p) => [p.id, p.name])),
    temporalUiUrl: config.temporal.uiUrl,
    temporalNamespace: config.temporal.namespace,
    apiUrl: config.api.publicUrl,
  };
}

export function renderCardFor(state: IncidentState, config: Config, notice?: CardContext['notice']) {
  return renderAdaptiveCard(buildIncidentMessage(state, messageContext(config)), cardContextFor(config.people, notice));
}

/** Universal Actions answers: a card, a message for the user, or an error. */
const cardResponse = (card: unknown): InvokeResult => ({ status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } });
const messageResponse = (text: string): InvokeResult => ({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } });
const errorResponse = (message: string): InvokeResult => ({ status: 200, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } } });

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function createTeamsHandler(deps: TeamsHandlerDeps): TeamsTurnHandler {
  const { config, client } = deps;
  // Alert message id -> incident id. Only a cache: the truth is each incident's `messages` in Temporal.
  const threads = new Map<string, string>();

  async function incidentForThread(root: string): Promise<string | undefined> {
    const known = threads.get(root);
    if (known) return known;
    let open: IncidentSummary[];
    try {
      open = await listIncidents(client, { status: 'open', limit: THREAD_SCAN_LIMIT });
    } catch {
      return undefined; // the command then asks which incident, which is the honest answer
    }
    if (threads.size > THREAD_CACHE_MAX) threads.clear();
    for (let i = 0; i < open.length; i += 10) {
      const states = await Promise.all(open.slice(i, i + 10).map((o) => getIncident(client, o.id).catch(() => undefined)));
      for (const s of states) for (const m of s?.messages ?? []) if (m.platform === 'teams') threads.set(m.id, s!.id);
      if (threads.has(root)) break;
    }
    return threads.get(root);
  }

  function replyActivity(reply: CommandReply, activity: TeamsActivity): Record<string, unknown> {
    const text = reply.text.replace(/\r?\n/g, '\n\n');
    const from = activity.from;
    // Teams has no ephemeral messages in channels: address answers meant for one person to them.
    if (reply.preformatted && !reply.ephemeral) return teamsCodeReply(reply.text);
    if (!reply.ephemeral || !from?.id) return { type: 'message', text };
    const tag = `<at>${(from.name ?? 'you').replace(/[<>&]/g, '')}</at>`;
    return { type: 'message', text: `${tag} ${text}`, entities: [{ type: 'mention', text: tag, mentioned: { id: from.id, name: from.name } }] };
  }

  async function onMessage(activity: TeamsActivity, io: Parameters<TeamsTurnHandler>[1]): Promise<void> {
    const actor = teamsActor(config, activity.from);
    const root = threadRoot(activity);
    const threadIncidentId = root ? await incidentForThread(root) : undefined;
    // /kubectl policies name channels as configured (platforms.teams.channels keys), not raw ids.
    const conversationId = activity.conversation?.id.split(';')[0];
    const channel = Object.entries(config.platforms.teams?.channels ?? {}).find(([, c]) => c.conversationId === conversationId)?.[0];
    const reply = await executeCommand(commandText(activity, config.people), { actor, platform: 'teams', channel, threadIncidentId }, { client, config });
    await io.reply(replyActivity(reply, activity));
  }

  async function onCardAction(activity: TeamsActivity, io: Parameters<TeamsTurnHandler>[1]): Promise<InvokeResult> {
    const action = (activity.value as { action?: { type?: string; verb?: string; data?: Record<string, unknown> } } | undefined)?.action;
    const verb = action?.verb as CardVerb | undefined;
    const data = action?.data ?? {};
    const incidentId = str(data.incidentId);
    if (action?.type !== 'Action.Execute' || !verb || !CARD_VERBS.includes(verb) || !incidentId)
      return errorResponse('This card action is not one the incident bot knows (expected ack, handoff, resolve or refresh with an incident id).');
    let notice: CardContext['notice'];
    if (verb !== 'refresh') {
      const args: ActionArgs =
        verb === 'handoff' ? { to: str(data.handoffTo), note: str(data.handoffNote), platform: 'teams' } : verb === 'resolve' ? { summary: str(data.resolveSummary) } : {};
      const reply = await executeAction(verb, incidentId, teamsActor(config, activity.from), args, { client, config });
      notice = { text: reply.text, tone: reply.result?.outcome === 'done' ? 'info' : 'error' };
      // The card's notice is easy to miss: the thread line tells the channel who took the incident.
      const root = threadRoot(activity) ?? (activity as { replyToId?: string }).replyToId;
      if (reply.threadLine && root && io.thread) await io.thread(root, teamsThreadLine(reply.threadLine)).catch((e: Error) => deps.log?.warn?.({ err: e.message }, 'could not post an action line in a Teams thread'));
    }
    try {
      return cardResponse(renderCardFor(await getIncident(client, incidentId), config, notice));
    } catch (err) {
      if (err instanceof ApiError) return messageResponse(notice ? `${notice.text}\n${err.message}` : err.message);
      throw err;
    }
  }

  const tenants = pinnedTenants(config);
  return async (activity, io) => {
    const refused = tenantRefusal(tenants, activity);
    if (refused) {
      deps.log?.warn?.({ tenantId: tenantOf(activity) ?? null, type: activity.type }, 'refused a Teams activity from another tenant');
      if (activity.type === 'message') await io.reply({ type: 'message', text: refused });
      if (activity.type === 'invoke') return errorResponse(refused);
      return undefined;
    }
    if (activity.type === 'message') {
      await onMessage(activity, io);
      return undefined;
    }
    if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') return onCardAction(activity, io);
    if (activity.type === 'conversationUpdate' && activity.conversation?.id) {
      // Where the bot was just added: the values an operator needs for platforms.teams.channels.
      const { id, tenantId } = activity.conversation;
      deps.log?.info(
        { conversationId: id.split(';')[0], serviceUrl: activity.serviceUrl, tenantId },
        'Teams conversation update: use conversationId and serviceUrl under platforms.teams.channels to post there',
      );
    }
    // typing, other invokes: nothing to do (invokes get 501 from the adapter).
    return undefined;
  };
}

/** The thread reply for a card action's line (plain text, line breaks kept as Teams paragraphs). */
export function teamsThreadLine(line: string): Record<string, unknown> {
  return { type: 'message', textFormat: 'plain', text: line };
}

/** /kubectl output as a card: the command line, then the output in a CodeBlock (columns and line breaks kept). */
export function teamsCodeReply(text: string): Record<string, unknown> {
  const [head, ...rest] = text.split('\n');
  return { type: 'message', summary: head, attachments: [cardAttachment(codeCard(head!, rest.join('\n')))] };
}
