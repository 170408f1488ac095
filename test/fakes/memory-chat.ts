// An in-memory chat platform for workflow-tier tests: it behaves like the local chat service at
// the adapter seam (dedupe by key, unknown message -> permanent error) and records everything so
// tests can count posts, updates and pages.
import { ApplicationFailure } from '@temporalio/common';
import type { ChatPlatform, PostRequest } from '../../activities/chat/platform';
import type { IncidentMessage } from '../../activities/chat/message';

export interface RecordedMessage {
  id: string;
  channel: string;
  threadId?: string;
  text: string;
  card?: IncidentMessage;
  key: string;
  mentions: string[];
  updates: number;
}

export class MemoryChat implements ChatPlatform {
  readonly name: string;
  readonly messages: RecordedMessage[] = [];
  readonly dms: { user: string; text: string; key: string }[] = [];
  /** Optional hook to make a call fail, e.g. to simulate a timeout after the post was stored. */
  failNext?: (op: 'post' | 'update' | 'dm') => Error | undefined;
  /** Optional hook awaited before a post is taken, e.g. to hold a thread reply while a test acts. */
  beforePost?: (req: PostRequest) => Promise<void> | void;
  private seq = 0;

  constructor(name = 'local') {
    this.name = name;
  }

  async post(req: PostRequest): Promise<{ id: string }> {
    await this.beforePost?.(req);
    const existing = this.messages.find((m) => m.channel === req.channel && m.key === req.key);
    const msg = existing ?? { id: `m${++this.seq}`, channel: req.channel, threadId: req.threadId, text: req.text, card: req.card, key: req.key, mentions: req.mentions ?? [], updates: 0 };
    if (!existing) this.messages.push(msg);
    const fail = this.failNext?.('post');
    if (fail) throw fail;
    return { id: msg.id };
  }

  async update(channel: string, id: string, text: string, card?: IncidentMessage): Promise<void> {
    const msg = this.messages.find((m) => m.channel === channel && m.id === id);
    if (!msg) throw ApplicationFailure.nonRetryable(`message ${id} not found in ${channel}`, 'ChannelNotFound');
    msg.text = text;
    msg.card = card;
    msg.updates++;
  }

  async directMessage(user: string, text: string, key: string): Promise<{ id: string }> {
    if (!this.dms.some((d) => d.key === key)) this.dms.push({ user, text, key });
    return { id: key };
  }

  alerts(): RecordedMessage[] {
    return this.messages.filter((m) => m.card && !m.threadId);
  }
  /** Pages per user: DMs are the page of record (mentions go with them). */
  pagesFor(user: string): number {
    return this.dms.filter((d) => d.user === user).length;
  }
  replies(): RecordedMessage[] {
    return this.messages.filter((m) => m.threadId);
  }
}
