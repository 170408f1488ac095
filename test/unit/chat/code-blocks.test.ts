// Fixed-width output (/kubectl answers, the diagnostics digest in the thread) in each platform's
// code-block form, against golden files per platform; and the card's one-line digest and reasons.
import { join } from 'node:path';
import { buildIncidentMessage, diagnosticsThreadText, digestLine, fencedReply, readable, splitFenced } from '../../../activities/chat/message';
import { slackText } from '../../../platforms/slack/shared/blocks';
import { discordContent } from '../../../platforms/discord/shared/embed';
import { mattermostText } from '../../../platforms/mattermost/shared/render';
import { noteActivity } from '../../../platforms/teams/outbound/adapter';
import { replyText } from '../../../platforms/slack/inbound/listeners';
import { replyContent } from '../../../platforms/discord/inbound/interactions';
import { chatText as mattermostReply } from '../../../platforms/mattermost/inbound/handlers';
import { teamsCodeReply } from '../../../platforms/teams/inbound/handler';
import { CONTEXT, baseState } from '../platforms/slack/fixtures';
import { expectGolden } from './golden';

const KUBECTL = [
  '$ kubectl get pods -n shop  [cluster shop-prod, namespace shop]',
  'NAME                        READY   STATUS             RESTARTS   AGE',
  'checkout-7d9f8b6c5d-abcde   0/1     CrashLoopBackOff   12         3h',
  'cart-5f6d7c8b9a-xyz12       1/1     Running            0          3h',
].join('\n');
const DIGEST = [
  'Container app: CrashLoopBackOff, exit code 1, 12 restarts',
  'Last log lines (previous container):',
  '  Error: connect ECONNREFUSED 10.0.0.7:5432 <db>',
  '  at TCPConnectWrap.afterConnect [as oncomplete]',
].join('\n');
const golden = (platform: string, name: string) => join(__dirname, '..', 'platforms', platform, 'golden', `code-block-${name}`);

describe('code block golden files', () => {
  const kubectl = { text: KUBECTL, ephemeral: false, preformatted: true };
  const thread = diagnosticsThreadText(DIGEST);
  it('answers /kubectl on Slack in a ``` block and posts diagnostics the same way', () => {
    expectGolden(golden('slack', 'kubectl.json'), { response_type: 'in_channel', text: replyText(kubectl) });
    expectGolden(golden('slack', 'diagnostics.json'), { text: slackText(thread) });
  });
  it('answers /kubectl on Discord in a ``` block, markup unescaped inside it', () => {
    expectGolden(golden('discord', 'kubectl.json'), { content: replyContent(KUBECTL) });
    expectGolden(golden('discord', 'diagnostics.json'), { content: discordContent(thread) });
    expect(discordContent(thread)).toContain('10.0.0.7:5432 <db>');
  });
  it('answers /kubectl on Mattermost in a ``` block', () => {
    expectGolden(golden('mattermost', 'kubectl.json'), { text: mattermostReply(KUBECTL, true) });
    expectGolden(golden('mattermost', 'diagnostics.json'), { message: mattermostText(thread) });
  });
  it('answers /kubectl on Teams with a CodeBlock card and posts diagnostics as one', () => {
    expectGolden(golden('teams', 'kubectl.json'), teamsCodeReply(KUBECTL));
    const note = noteActivity(thread, [], [], 'incident/x/diagnostics');
    expectGolden(golden('teams', 'diagnostics.json'), note);
    const body = JSON.stringify(note);
    expect(body).toContain('"type":"CodeBlock"');
    expect(body).toContain('"fontType":"Monospace"');
    // Line breaks kept, not doubled into paragraphs inside the code.
    expect(body).toContain('(previous container):\\n  Error');
  });
  it('posts fenced text in the local chat, which the page shows as <pre>', () => {
    expectGolden(golden('local', 'kubectl.txt'), `${fencedReply(KUBECTL)}\n`);
    expectGolden(golden('local', 'diagnostics.txt'), `${thread}\n`);
  });
});

describe('fenced text', () => {
  it('splits into text and code parts, keeping every line of the code', () => {
    expect(splitFenced(fencedReply(KUBECTL))).toEqual([
      { code: false, text: KUBECTL.split('\n')[0] },
      { code: true, text: KUBECTL.split('\n').slice(1).join('\n') },
    ]);
  });
  it('cannot be closed early by a fence inside the output', () => {
    const parts = splitFenced(fencedReply('$ kubectl logs x\nbefore\n```\nafter'));
    expect(parts.filter((p) => p.code)).toHaveLength(1);
    expect(parts[1]!.text).toContain('after');
  });
});

describe('the card', () => {
  it('keeps a one-line digest; the whole digest goes to the thread once', () => {
    expect(digestLine(DIGEST)).toBe('Container app: CrashLoopBackOff, exit code 1, 12 restarts (details in the thread)');
    expect(digestLine('Read pod/x; nothing stood out.')).toBe('Read pod/x; nothing stood out.');
    const m = buildIncidentMessage({ ...baseState(), diagnostics: { available: true, digest: DIGEST, sections: [] } }, CONTEXT);
    expect(m.digest).not.toContain('\n');
  });
  it('shows reasons without raw pod UIDs', () => {
    const message = 'Back-off restarting failed container app in pod checkout-7d9f8b6c5d-abcde_shop(0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0)';
    expect(readable(message)).toBe('Back-off restarting failed container app in pod checkout-7d9f8b6c5d-abcde_shop');
    expect(buildIncidentMessage({ ...baseState(), message }, CONTEXT).detail).not.toContain('0b1c2d3e-4f50');
    expect(diagnosticsThreadText(`Pods crash-looping\nLast warning: ${message}`)).not.toContain('0b1c2d3e-4f50');
    // Other UUIDs, such as request ids in a log line, are kept.
    expect(readable('request 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 failed')).toBe('request 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 failed');
  });
});
