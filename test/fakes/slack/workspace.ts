// The fake Slack workspace's fixed identities and stored objects (shared by server.ts and methods.ts).
export const FAKE_TEAM = { id: 'T0FAKE001', domain: 'fake-workspace' } as const;
export const FAKE_BOT = { userId: 'U0BOT0001', botId: 'B0BOT0001', appId: 'A0APP0001', name: 'incident-bot' } as const;

export interface FakeUser {
  id: string;
  name: string;
  email?: string;
  deleted?: boolean;
  isBot?: boolean;
}

export interface FakeMessage {
  ts: string;
  channel: string;
  user: string;
  botId?: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  threadTs?: string;
  edited?: { ts: string };
  /** How many chat.update calls changed it. */
  updates: number;
}

export interface FakeChannel {
  id: string;
  name: string;
  isIm: boolean;
  /** A private channel: reading it needs groups:history instead of channels:history. */
  isPrivate?: boolean;
  archived: boolean;
  botMember: boolean;
  /** User ids in the channel; undefined = every user. */
  members?: Set<string>;
  messages: FakeMessage[];
}


/** Every scope the product asks for (README "Slack"): the fake's default grant. */
export const FAKE_SCOPES = ['chat:write', 'commands', 'im:write', 'channels:history', 'groups:history', 'im:history', 'app_mentions:read', 'users:read', 'users:read.email'] as const;

/** The scope a bot-token call needs, as Slack documents it per method (history scopes by conversation type). */
export function scopeFor(method: string, channel: FakeChannel | undefined): string | undefined {
  if (method === 'conversations.history' || method === 'conversations.replies') return channel?.isIm ? 'im:history' : channel?.isPrivate ? 'groups:history' : 'channels:history';
  const fixed: Record<string, string> = {
    'chat.postMessage': 'chat:write',
    'chat.update': 'chat:write',
    'chat.postEphemeral': 'chat:write',
    'conversations.open': 'im:write',
    'users.info': 'users:read',
    'users.lookupByEmail': 'users:read.email',
  };
  return fixed[method];
}
