// Chat activities: post the alert, keep it updated, reply in its thread. Built over a map of
// platform adapters; the workflow never knows which platforms exist.
import { incidentKey, type IncidentState, type MessageRef } from '../../workflows/definitions';
import { buildIncidentMessage, diagnosticsThreadText, renderText, type MessageContext } from './message';
import type { ChatPlatform } from './platform';
import { earlierAttemptSince } from './attempt';
import { ErrorTypes, permanentFailure } from '../errors';
import { countedCall, observeTimeToAlert } from '../../metrics/incidents';

export interface PostAlertInput {
  channel: { platform: string; channel: string };
  state: IncidentState;
}
export interface UpdateAlertsInput {
  refs: MessageRef[];
  state: IncidentState;
}
export interface ThreadReplyInput {
  ref: MessageRef;
  /** Idempotency key, unique per incident and reply. */
  key: string;
  text: string;
  incidentId: string;
}

/** A plain message in a channel, not about one incident (e.g. a silence created or ended). */
export interface NoticeInput {
  channel: { platform: string; channel: string };
  /** Idempotency key, unique per notice. */
  key: string;
  text: string;
}

export { incidentKey };

export function createChatActivities(platforms: Record<string, ChatPlatform>, context: () => MessageContext) {
  const platform = (name: string): ChatPlatform => {
    const p = platforms[name];
    if (!p) throw permanentFailure(ErrorTypes.channelNotFound, `chat platform "${name}" is not enabled: enable it under platforms.${name} in the config`);
    return p;
  };
  return {
    async postAlert({ channel, state }: PostAlertInput): Promise<MessageRef> {
      const message = buildIncidentMessage(state, context());
      const chat = platform(channel.platform);
      const post = { channel: channel.channel, text: renderText(message), card: message, key: `${incidentKey(state)}/alert`, incidentId: state.id, retrySince: earlierAttemptSince() };
      const { id, meta } = await countedCall('chat', channel.platform, 'postAlert', () => chat.post(post));
      observeTimeToAlert(state.occurrences.firstSeen, { platform: channel.platform, severity: state.severity });
      return { platform: channel.platform, channel: channel.channel, id, ...(meta ? { meta } : {}) };
    },
    /** Pushes the newest state to every alert message; the workflow debounces calls. */
    async updateAlerts({ refs, state }: UpdateAlertsInput): Promise<void> {
      const message = buildIncidentMessage(state, context());
      const text = renderText(message);
      for (const ref of refs) {
        const chat = platform(ref.platform);
        await countedCall('chat', ref.platform, 'updateAlert', () => chat.update(ref.channel, ref.id, text, message, ref.meta));
      }
    },
    async replyInThread({ ref, key, text, incidentId }: ThreadReplyInput): Promise<void> {
      const retrySince = earlierAttemptSince();
      const chat = platform(ref.platform);
      const reply = { channel: ref.channel, threadId: ref.id, text: threadText(key, text), key, incidentId, ...(ref.meta ? { meta: ref.meta } : {}), ...(retrySince ? { retrySince } : {}) };
      await countedCall('chat', ref.platform, 'replyInThread', () => chat.post(reply));
    },
    async postNotice({ channel, key, text }: NoticeInput): Promise<void> {
      const retrySince = earlierAttemptSince();
      await countedCall('chat', channel.platform, 'postNotice', () => platform(channel.platform).post({ channel: channel.channel, text, key, ...(retrySince ? { retrySince } : {}) }));
    },
  };
}
/**
 * Rendering stays in activities (message.ts): the workflow sends the diagnostics reply as
 * `Diagnostics: <digest>` and the thread shows the digest once, fixed-width, on every platform.
 */
function threadText(key: string, text: string): string {
  const DIAGNOSTICS = 'Diagnostics: ';
  return key.endsWith('/diagnostics') && text.startsWith(DIAGNOSTICS) ? diagnosticsThreadText(text.slice(DIAGNOSTICS.length)) : text;
}

export type ChatActivities = ReturnType<typeof createChatActivities>;
