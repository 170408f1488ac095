// The local chat service: the wire protocol of platforms/local/shared/protocol.ts (what the worker's
// adapter calls), plus what the page needs (channels, messages, live events, commands, buttons and
// read-only incident views). DEV ONLY: there is no login; the page says which local user it is and
// the service trusts it (mapped to the roster by people[].chat.local). Bind the api to 127.0.0.1 or
// disable platforms.local when anyone else can reach it. REST tokens never reach the page.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import {
  LOCAL_CHAT_API_PREFIX,
  channelName,
  directMessageRequest,
  findMessageRequest,
  postMessageRequest,
  updateMessageRequest,
} from '../shared/protocol';
import { fencedReply } from '../../../activities/chat/message';
import type { Config } from '../../../config/schema';
import type { Actor } from '../../../workflows/definitions';
import { fieldErrors } from '../../../intake/schema';
import { executeAction, executeCommand } from '../../../api/commands/execute';
import { ApiError } from '../../../api/errors';
import { actorFor, displayNames } from '../../../api/identity';
import { getIncident, listIncidents, LIST_STATUSES } from '../../../api/incidents';
import { listPostmortems, sendPostmortem, type PostmortemReader } from '../../../api/postmortems';
import { LocalChatError, localUserName, type LocalChatStore } from './store';

export interface LocalChatDeps {
  config: Config;
  client: Client;
  store: LocalChatStore;
  postmortems: PostmortemReader;
}

const user = z.string().regex(localUserName, 'user names are lowercase letters, digits, "-" and "_"');
const commandRequest = z.object({ user, channel: channelName, threadId: z.string().min(1).optional(), text: z.string().min(1).max(4000) }).strict();
const interactRequest = z
  .object({
    user,
    incidentId: z.string().min(1),
    action: z.enum(['ack', 'handoff', 'resolve']),
    to: z.string().max(200).optional(),
    note: z.string().max(2000).optional(),
    summary: z.string().max(4000).optional(),
    /** The alert card whose button was pressed: its thread gets the action's line. */
    messageId: z.string().min(1).max(40).optional(),
  })
  .strict();

const SSE_PING_MS = 15_000;

/** The actor behind `?user=` on a read (dev-only trust, like the commands); a 400 saying so without it. */
function readerOf(config: Config, query: unknown): Actor {
  const parsed = user.safeParse((query as { user?: unknown } | undefined)?.user);
  if (parsed.success) return actorFor(config, 'local', parsed.data);
  throw new ApiError(400, 'invalid_arguments', 'Say which local user reads: add ?user=<name> (the page sends its selected user; lowercase letters, digits, "-" and "_"), so only what their grants reach is shown.');
}

function invalid(issues: z.core.$ZodIssue[]) {
  return { ok: false as const, error: 'invalid_arguments', detail: fieldErrors(issues).map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join('; ') };
}

/** Runs a protocol method: `{ ok: true, ...}` or `{ ok: false, error, detail }`, always HTTP 200 like Slack. */
function method<S extends z.ZodType, T>(schema: S, run: (input: z.output<S>) => T) {
  return async (req: { body: unknown }) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(parsed.error.issues);
    try {
      return { ok: true as const, ...run(parsed.data) };
    } catch (err) {
      if (err instanceof LocalChatError) return { ok: false as const, error: err.code, detail: err.detail };
      throw err;
    }
  };
}

export function registerLocalChat(app: FastifyInstance, deps: LocalChatDeps): void {
  const { store, config } = deps;
  const streams = new Set<ServerResponse>();
  // Open event streams would keep close() waiting forever: end them first.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });

  void app.register(
    async (chat) => {
      chat.setErrorHandler((err: FastifyError, req, reply) => {
        if (err instanceof ApiError) return reply.code(err.status).send({ ok: false, error: err.code, detail: err.message });
        if (err.statusCode && err.statusCode < 500) return reply.code(200).send({ ok: false, error: 'invalid_arguments', detail: err.message });
        req.log.error({ err }, 'local chat request failed');
        return reply.code(500).send({ ok: false, error: 'internal_error', detail: `Something failed inside the api (request ${req.id}); its log has the details.` });
      });

      chat.setNotFoundHandler((req, reply) =>
        reply.code(200).send({ ok: false, error: 'unknown_method', detail: `${req.method} ${req.url.split('?')[0]} is not a local chat method; see platforms/local/shared/protocol.ts` }),
      );

      // ---- protocol (the worker's adapter) ----------------------------------------------------
      chat.post('/chat.postMessage', method(postMessageRequest, (r) => ({ message: store.post(r).message })));
      chat.post('/chat.update', method(updateMessageRequest, (r) => ({ message: store.update(r) })));
      chat.post('/chat.find', method(findMessageRequest, (r) => ({ message: store.find(r.channel, r.key) })));
      chat.post('/chat.dm', method(directMessageRequest, (r) => ({ message: store.dm(r).message })));

      // ---- page ---------------------------------------------------------------------------------
      chat.get('/channels', async () => ({ ok: true, channels: store.listChannels() }));
      chat.get('/channels/:name/messages', async (req) => {
        const { name } = req.params as { name: string };
        if (!channelName.safeParse(name).success) return { ok: false, error: 'invalid_arguments', detail: `"${name}" is not a channel name` };
        return { ok: true, messages: store.messages(name) };
      });
      chat.get('/users', async () => ({
        ok: true,
        users: config.people.filter((p) => p.chat.local).map((p) => ({ user: p.chat.local!, personId: p.id, name: p.name, roles: p.roles })),
      }));

      chat.get('/events', (req, reply: FastifyReply) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        res.write('retry: 2000\n\n');
        const unsubscribe = store.subscribe((m) => res.write(`event: message\ndata: ${JSON.stringify(m)}\n\n`));
        const ping = setInterval(() => res.write(': ping\n\n'), SSE_PING_MS);
        streams.add(res);
        req.raw.on('close', () => {
          clearInterval(ping);
          unsubscribe();
          streams.delete(res);
        });
      });

      chat.post('/command', async (req) => {
        const parsed = commandRequest.safeParse(req.body ?? {});
        if (!parsed.success) return invalid(parsed.error.issues);
        const { user: name, channel, threadId, text } = parsed.data;
        let threadIncidentId: string | undefined;
        if (threadId) {
          const root = store.get(threadId);
          if (!root || root.channel !== channel) return { ok: false, error: 'message_not_found', detail: `thread ${threadId} is not a message in #${channel}` };
          threadIncidentId = (root.threadId ? store.get(root.threadId) : root)?.incidentId ?? root.incidentId;
        }
        // Identity is the page's selected user (dev-only trust), never a name inside the text.
        const actor = actorFor(config, 'local', name);
        const reply = await executeCommand(text, { actor, platform: 'local', channel, threadIncidentId }, deps);
        const posted = [];
        if (!reply.ephemeral) {
          // Public answers show in the channel like a chat: the command as typed, then the bot's reply.
          const asked = store.post({ channel, threadId, text, user: name, incidentId: reply.incidentId }).message;
          posted.push(asked, store.post({ channel, threadId, text: reply.preformatted ? fencedReply(reply.text) : reply.text, incidentId: reply.incidentId }).message);
        }
        return { ok: true, reply: { text: reply.text, ephemeral: reply.ephemeral, incidentId: reply.incidentId, outcome: reply.result?.outcome }, posted };
      });

      chat.post('/interact', async (req) => {
        const parsed = interactRequest.safeParse(req.body ?? {});
        if (!parsed.success) return invalid(parsed.error.issues);
        const { user: name, incidentId, action, to, note, summary, messageId } = parsed.data;
        const card = messageId ? store.get(messageId) : undefined;
        if (messageId && card?.incidentId !== incidentId) return { ok: false, error: 'message_not_found', detail: `message ${messageId} is not an alert of ${incidentId}` };
        const reply = await executeAction(action, incidentId, actorFor(config, 'local', name), { to, note, summary, platform: 'local' }, deps);
        // The workflow refreshes the alert card itself; the thread line tells the channel who did what.
        const posted = card && reply.threadLine ? [store.post({ channel: card.channel, threadId: card.id, text: reply.threadLine, incidentId }).message] : [];
        return { ok: true, reply: { text: reply.text, ephemeral: reply.ephemeral, incidentId, outcome: reply.result?.outcome }, posted };
      });

      // Read-only incident and postmortem views for the page (no REST token in the browser). They
      // follow the reader's grants, as on REST: the roster person behind the page's user (`?user=`).
      chat.get('/incidents', async (req) => {
        const reader = readerOf(config, req.query);
        // `all`, a status, or open incidents by default.
        const wanted = (req.query as { status?: string }).status ?? 'open';
        const status = LIST_STATUSES.find((s) => s === wanted);
        return { ok: true, incidents: await listIncidents(deps.client, { status: wanted === 'all' ? undefined : (status ?? 'open'), limit: 100 }, reader), names: displayNames(config) };
      });
      chat.get('/incidents/:id', async (req) => ({
        ok: true,
        incident: await getIncident(deps.client, (req.params as { id: string }).id, readerOf(config, req.query)),
        names: displayNames(config),
      }));
      chat.get('/postmortems', async (req) => ({ ok: true, ...(await listPostmortems(deps.postmortems, undefined, readerOf(config, req.query))) }));
      chat.get('/postmortems/:id', async (req, reply) => sendPostmortem(deps.postmortems, (req.params as { id: string }).id, req.headers.accept, reply, readerOf(config, req.query)));
    },
    { prefix: LOCAL_CHAT_API_PREFIX },
  );
}
