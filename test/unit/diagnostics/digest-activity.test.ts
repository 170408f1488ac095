// The one-activity diagnostics of a new incident (activities/diagnostics/digest.ts): the digest goes
// to every thread, a reply that fails comes back with whether retrying can help, and a failure of
// the diagnostics themselves fails the activity (Temporal retries it) before anything is posted.
import { ApplicationFailure } from '@temporalio/common';
import { createDigestActivities } from '../../../activities/diagnostics/digest';
import type { ThreadReplyInput } from '../../../activities/chat';
import type { DiagnosticsReport, MessageRef } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';

const report: DiagnosticsReport = { available: true, digest: '3/3 pods crash-looping', sections: [{ title: 'Events', body: 'BackOff' }] };
const ref = (channel: string): MessageRef => ({ platform: 'local', channel, id: `m-${channel}` });

describe('diagnoseAndReply', () => {
  it('posts the digest into every alert thread under one key and returns the full report', async () => {
    const replies: ThreadReplyInput[] = [];
    const { diagnoseAndReply } = createDigestActivities(async () => report, async (r) => void replies.push(r));
    const out = await diagnoseAndReply({ anomaly: anomaly(), refs: [ref('a'), ref('b')], key: 'k/diagnostics', incidentId: 'incident/x' });
    expect(out).toEqual({ report, unsent: [] });
    expect(replies.map((r) => [r.ref.channel, r.key, r.text, r.incidentId])).toEqual([
      ['a', 'k/diagnostics', 'Diagnostics: 3/3 pods crash-looping', 'incident/x'],
      ['b', 'k/diagnostics', 'Diagnostics: 3/3 pods crash-looping', 'incident/x'],
    ]);
  });

  it('hands back a reply that failed, saying whether a retry can help, and still posts to the other threads', async () => {
    const posted: string[] = [];
    const { diagnoseAndReply } = createDigestActivities(
      async () => report,
      async (r) => {
        if (r.ref.channel === 'gone') throw ApplicationFailure.nonRetryable('channel_not_found', 'ChannelNotFound');
        if (r.ref.channel === 'busy') throw ApplicationFailure.create({ message: 'ratelimited', type: 'RateLimited', nextRetryDelay: 1_000 });
        posted.push(r.ref.channel);
      },
    );
    const out = await diagnoseAndReply({ anomaly: anomaly(), refs: [ref('gone'), ref('busy'), ref('ok')], key: 'k/diagnostics', incidentId: 'i' });
    expect(posted).toEqual(['ok']);
    expect(out.unsent).toEqual([
      { ref: ref('gone'), error: 'channel_not_found', retryable: false },
      { ref: ref('busy'), error: 'ratelimited', retryable: true },
    ]);
  });

  it('fails without posting anything when the diagnostics fail, so the retry runs them again', async () => {
    const replies: ThreadReplyInput[] = [];
    const { diagnoseAndReply } = createDigestActivities(
      async () => {
        throw new Error('apiserver unavailable');
      },
      async (r) => void replies.push(r),
    );
    await expect(diagnoseAndReply({ anomaly: anomaly(), refs: [ref('a')], key: 'k/diagnostics', incidentId: 'i' })).rejects.toThrow('apiserver unavailable');
    expect(replies).toEqual([]);
  });
});
