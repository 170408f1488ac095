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
  archived: boolean;
  botMember: boolean;
  /** User ids in the channel; undefined = every user. */
  members?: Set<string>;
  messages: FakeMessage[];
}

