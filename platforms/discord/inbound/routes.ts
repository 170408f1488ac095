// POST /discord/interactions: the app's Interactions Endpoint URL (set it in the Developer Portal).
// Every request is verified against the application's Ed25519 public key on the raw body before
// anything is parsed; a bad, missing or stale signature gets 401 (Discord itself sends such probes
// and removes endpoints that accept them). Discord waits 3 seconds for the answer: one that takes
// longer (a slow Temporal) is deferred, shown to the caller as "thinking", and delivered through
// the interaction's webhook when ready.
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import { readSecret } from '../../../config/load';
import { DiscordRest } from '../shared/rest';
import { createInteractionHandler, EPHEMERAL, InteractionType, messageResponse, ResponseType, type Interaction, type InteractionResponse } from './interactions';
import { discordPublicKey, verifyDiscordSignature } from './verify';
import type { InboundPlatform } from '../../seams';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';
const BODY_LIMIT = 1024 * 1024;
/** Discord invalidates an interaction not answered within 3 s; leave room for the network. */
export const ANSWER_WITHIN_MS = 2_000;

export interface DiscordRouteDeps {
  config: Config;
  client: Client;
  /** Where the bot token secret is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class DiscordConfigError extends Error {
  override name = 'DiscordConfigError';
}

/**
 * The answer if `work` finishes within `ms`; otherwise a deferred (ephemeral, "thinking") answer,
 * with `late` called once `work` is done. `work` must not reject (the handler answers failures).
 */
export async function answerInTime(work: Promise<InteractionResponse>, ms: number, late: (r: InteractionResponse) => Promise<void>): Promise<{ response: InteractionResponse; followUp?: Promise<void> }> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  const first = await Promise.race([work, slow]);
  clearTimeout(timer);
  if (first) return { response: first };
  return { response: { type: ResponseType.deferredMessage, data: { flags: EPHEMERAL } }, followUp: work.then(late) };
}

/**
 * Delivers a late answer: the deferred "thinking" message becomes the answer (it stays visible to
 * the caller only), and an answer meant for the channel is also posted there as a follow-up.
 */
export async function deliverLate(rest: DiscordRest, applicationId: string, token: string, r: InteractionResponse): Promise<void> {
  const base = `/webhooks/${applicationId}/${token}`;
  const data = r.type === ResponseType.message ? r.data ?? {} : messageResponse('That took too long to open a form; use /handoff or /resolve instead.', true).data!;
  const { flags, ...message } = data as { flags?: number };
  // The channel's copy first: once the caller's own answer changes, everything it announced is there.
  if (!((flags ?? 0) & EPHEMERAL)) await rest.call('POST', base, { body: message, auth: false });
  await rest.call('PATCH', `${base}/messages/@original`, { body: message, auth: false });
}

export function registerDiscord(app: FastifyInstance, deps: DiscordRouteDeps): void {
  const d = deps.config.platforms.discord;
  if (!d?.enabled) return;
  // Read at start: a missing secret or key must stop the api, naming what to fix (never a value).
  if (!d.publicKey || !d.applicationId || !d.botToken) throw new DiscordConfigError('platforms.discord needs applicationId, publicKey and botToken when enabled');
  const publicKey = discordPublicKey(d.publicKey);
  let token: string;
  try {
    token = readSecret(d.botToken, deps.env ?? process.env);
  } catch (err) {
    throw new DiscordConfigError(`platforms.discord.botToken: ${(err as Error).message}`);
  }
  if (!d.guildId) app.log.warn('platforms.discord.guildId is not set: interactions from any server the app is added to are accepted. Set it to pin the app to your server.');
  const rest = new DiscordRest({ apiUrl: d.apiUrl, token, timeoutMs: d.requestTimeout });
  const handle = createInteractionHandler({ config: deps.config, client: deps.client, rest, log: app.log });
  const inflight = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => void (await Promise.allSettled([...inflight])));

  void app.register(async (scope) => {
    // The signature covers the exact bytes Discord sent: keep the body raw, parse after verifying.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post(DISCORD_INTERACTIONS_PATH, async (req, reply) => {
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verified = verifyDiscordSignature({ publicKey, signature: header('x-signature-ed25519'), timestamp: header('x-signature-timestamp'), rawBody });
      if (!verified.ok) {
        req.log.warn({ reason: verified.reason }, 'refused a Discord request');
        return reply.code(401).send({ error: { code: 'invalid_signature', message: `Discord request refused: ${verified.reason}.` } });
      }
      let interaction: Interaction;
      try {
        interaction = JSON.parse(rawBody.toString('utf8')) as Interaction;
      } catch {
        return reply.code(400).send({ error: { code: 'invalid_json', message: 'The body is not a JSON interaction.' } });
      }
      if (interaction?.type === InteractionType.ping) return reply.send({ type: ResponseType.pong });
      if (interaction?.application_id !== d.applicationId || typeof interaction.token !== 'string')
        return reply.code(400).send({ error: { code: 'wrong_application', message: 'The interaction is not for this application (check platforms.discord.applicationId).' } });
      if (d.guildId && interaction.guild_id !== undefined && interaction.guild_id !== d.guildId) {
        req.log.warn({ guildId: interaction.guild_id }, 'refused a Discord interaction from another server');
        return reply.send(messageResponse(`This app serves Discord server ${d.guildId} only; this request came from server ${interaction.guild_id}, so nothing was changed.`, true));
      }
      const late = (r: InteractionResponse) =>
        deliverLate(rest, d.applicationId!, interaction.token, r).catch((err: unknown) => req.log.warn({ err: (err as Error).message }, 'could not deliver a late Discord answer'));
      const { response, followUp } = await answerInTime(handle(interaction), ANSWER_WITHIN_MS, late);
      if (followUp) {
        const tracked = followUp.finally(() => inflight.delete(tracked));
        inflight.add(tracked);
      }
      return reply.send(response);
    });
  });
}

export const discordInbound: InboundPlatform = { register: (app, deps) => registerDiscord(app, deps) };
