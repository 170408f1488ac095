// Plays Discord towards the app's Interactions Endpoint: builds interactions shaped like Discord's
// (slash commands with options, button clicks, modal submissions, PING) and POSTs them signed the
// way Discord signs them: X-Signature-Ed25519 = hex Ed25519 signature of (timestamp + raw body),
// with a key pair generated here (configure `publicKeyHex` as platforms.discord.publicKey). Clicks
// are built from what the fake stored, so a test can only press a button the bot really rendered
// and submit a modal the app really opened. Answers are checked against Discord's limits as
// Discord would ("This interaction failed"), and a deferred answer waits for its follow-up.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { eventually } from '../../helpers/eventually';
import { ChannelTypes, type FakeDiscord, type FakeMessage, type FakeUser, type FollowUp } from './server';
import { hasErrors, validateMessage, validateModal } from './validate';

export interface SignOptions {
  /** Override the timestamp (seconds), e.g. ten minutes ago. */
  timestamp?: number;
  /** Override the signature, e.g. a forged one; null sends no signature headers at all. */
  signature?: string | null;
  /** Sign with another key. */
  key?: KeyObject;
  /** Send as if from another server (guild) the same app was added to. */
  guildId?: string;
}

export interface InteractionAnswer {
  status: number;
  body: any;
  /** The interaction as sent (a modal submission reuses it). */
  sent: Record<string, any>;
}

/** What a person finally sees: the answer, or for a deferred one the follow-ups that replaced it. */
export interface Seen {
  content: string;
  ephemeral: boolean;
  /** Public follow-up posted to the channel after a late answer. */
  announced?: string;
}

export function newKeyPair(): { privateKey: KeyObject; publicKeyHex: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicKeyHex: Buffer.from(jwk.x!, 'base64url').toString('hex') };
}

export function signInteraction(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign(null, Buffer.from(timestamp + body, 'utf8'), privateKey).toString('hex');
}

export class DiscordClient {
  readonly keys = newKeyPair();

  constructor(
    private readonly fake: FakeDiscord,
    /** e.g. http://127.0.0.1:8080/discord/interactions (settable: the key pair is needed before the api exists). */
    public endpoint: string,
  ) {}

  get publicKeyHex(): string {
    return this.keys.publicKeyHex;
  }

  private where(user: FakeUser, channelId: string) {
    const ch = this.fake.channel(channelId);
    const u = { id: user.id, username: user.username, global_name: user.global_name ?? null, discriminator: '0', avatar: null };
    const place = ch.type === ChannelTypes.dm ? { user: u, context: 1 } : { guild_id: ch.guild_id, member: { user: u, roles: [], nick: null, permissions: '2248473465835073', joined_at: '2024-01-01T00:00:00.000Z' }, context: 0 };
    return { channel_id: ch.id, channel: { id: ch.id, type: ch.type, name: ch.name, ...(ch.parent_id ? { parent_id: ch.parent_id } : {}), ...(ch.guild_id ? { guild_id: ch.guild_id } : {}) }, ...place };
  }

  private base(type: number, user: FakeUser, channelId: string) {
    return { id: this.fake.snowflake(), application_id: this.fake.applicationId, type, token: this.fake.issueInteractionToken(), version: 1, locale: 'en-US', app_permissions: '2248473465835073', ...this.where(user, channelId) };
  }

  /** Discord's health check when the endpoint URL is saved. */
  ping(opts: SignOptions = {}): Promise<InteractionAnswer> {
    return this.send({ id: this.fake.snowflake(), application_id: this.fake.applicationId, type: 1, token: this.fake.issueInteractionToken(), version: 1 }, opts);
  }

  /** `/name` typed by `user` in `channel`; `options` as Discord sends them (a subcommand holds its own). */
  command(user: FakeUser, channel: string, name: string, options: Record<string, unknown>[] = [], opts: SignOptions = {}): Promise<InteractionAnswer> {
    return this.send({ ...this.base(2, user, channel), data: { id: this.fake.snowflake(), name, type: 1, options } }, opts);
  }

  /** Clicks the button whose custom_id starts with `prefix` on a message the bot posted. */
  click(user: FakeUser, channel: string, messageId: string, prefix: string, opts: SignOptions = {}): Promise<InteractionAnswer> {
    const message = this.fake.message(channel, messageId);
    if (!message) throw new Error(`no message ${messageId} in ${channel}`);
    const button = message.components.flatMap((r: any) => r.components).find((b: any) => String(b.custom_id ?? '').startsWith(prefix));
    if (!button) throw new Error(`message ${messageId} has no button whose custom_id starts with "${prefix}"`);
    return this.send({ ...this.base(3, user, channel), message, data: { custom_id: button.custom_id, component_type: 2 } }, opts);
  }

  /** Submits the modal `opened` answered with, typing `values` (by input custom_id), as the user who opened it. */
  submit(opened: InteractionAnswer, values: Record<string, string>, opts: SignOptions = {}): Promise<InteractionAnswer> {
    if (opened.body?.type !== 9) throw new Error(`that answer is not a modal: ${JSON.stringify(opened.body)}`);
    const modal = opened.body.data;
    const rows = modal.components.map((row: any) => {
      const input = row.components[0];
      const value = values[input.custom_id] ?? '';
      if (input.required !== false && !value) throw new Error(`Discord does not submit the form without "${input.label}"`);
      return { type: 1, components: [{ type: 4, custom_id: input.custom_id, value }] };
    });
    const { id: _id, token: _token, type: _type, data: _data, ...origin } = opened.sent;
    return this.send({ ...origin, id: this.fake.snowflake(), token: this.fake.issueInteractionToken(), type: 5, data: { custom_id: modal.custom_id, components: rows } }, opts);
  }

  /** POSTs an interaction exactly as Discord would, signed (or not, or badly, per `opts`). */
  async send(interaction: Record<string, any>, opts: SignOptions = {}): Promise<InteractionAnswer> {
    if (opts.guildId) interaction = { ...interaction, guild_id: opts.guildId, channel: { ...interaction.channel, guild_id: opts.guildId } };
    const body = JSON.stringify(interaction);
    const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)' };
    if (opts.signature !== null) {
      headers['x-signature-timestamp'] = ts;
      headers['x-signature-ed25519'] = opts.signature ?? signInteraction(opts.key ?? this.keys.privateKey, ts, body);
    }
    const res = await fetch(this.endpoint, { method: 'POST', headers, body });
    const text = await res.text();
    const answer: InteractionAnswer = { status: res.status, body: text ? JSON.parse(text) : undefined, sent: interaction };
    if (res.status === 200) checkAnswer(answer.body);
    return answer;
  }

  /** What the user sees for an answer: inline, or (when deferred) once the follow-ups arrive. */
  async seen(answer: InteractionAnswer): Promise<Seen> {
    const b = answer.body;
    if (b?.type === 4) return { content: b.data.content, ephemeral: ((b.data.flags ?? 0) & 64) !== 0 };
    if (b?.type !== 5) throw new Error(`no message answer: ${JSON.stringify(b)}`);
    const token = answer.sent.token as string;
    const original = await eventually(async () => this.fake.followUps.find((f) => f.token === token && f.kind === 'original'), 'the late answer');
    const announced = this.fake.followUps.find((f: FollowUp) => f.token === token && f.kind === 'followup');
    return { content: original.body.content, ephemeral: true, ...(announced ? { announced: announced.body.content } : {}) };
  }
}

/** Discord refuses (and shows "This interaction failed") answers that break its rules. */
function checkAnswer(body: any): void {
  const allowed = [1, 4, 5, 6, 7, 9];
  if (!body || !allowed.includes(body.type)) throw new Error(`Discord would refuse the answer type: ${JSON.stringify(body)}`);
  const errors = body.type === 9 ? validateModal(body.data ?? {}) : body.type === 4 ? validateMessage(body.data ?? {}, { create: true }) : {};
  if (hasErrors(errors)) throw new Error(`Discord would refuse this answer: ${JSON.stringify(errors)}`);
}

/** Labels of the buttons on a message, row by row flattened. */
export const buttonsOf = (m: FakeMessage): string[] => m.components.flatMap((r: any) => r.components.filter((b: any) => b.style !== 5).map((b: any) => b.label));

/** The embed's fields as name -> value. */
export const fieldsOf = (m: FakeMessage): Record<string, string> => Object.fromEntries((m.embeds[0]?.fields ?? []).map((f: any) => [f.name, f.value]));
