// The line a button action leaves in the alert's thread, as each platform posts it (golden files
// per platform), and the Ack label every card shows while a hand-off waits.
import { join } from 'node:path';
import { ackLabel, actionThreadLine, buildIncidentMessage, type ActionNotice } from '../../../activities/chat/message';
import { renderBlocks } from '../../../platforms/slack/shared/blocks';
import { renderAlert } from '../../../platforms/discord/shared/embed';
import { renderAttachment } from '../../../platforms/mattermost/shared/render';
import { slackThreadLine } from '../../../platforms/slack/inbound/listeners';
import { mattermostThreadLine } from '../../../platforms/mattermost/inbound/handlers';
import { messageResponse } from '../../../platforms/discord/inbound/interactions';
import { teamsThreadLine } from '../../../platforms/teams/inbound/handler';
import { validateBlocks } from '../../fakes/slack/blockkit';
import { CONTEXT, lifecycleStates } from '../platforms/slack/fixtures';
import { expectGolden } from './golden';

const NOTICES: Record<string, ActionNotice> = {
  ack: { action: 'ack', by: 'Alice Liddell', result: 'Acknowledged by Alice Liddell. Escalation stopped.' },
  handoff: {
    action: 'handoff',
    by: 'Alice Liddell',
    result: 'Handed off to Bob Marley; they are being paged and must acknowledge.',
    note: 'DB failover at 14:02 <not done>; @channel see runbook & <@U999>',
  },
  resolve: { action: 'resolve', by: 'Alice Liddell', result: 'Resolved by Alice Liddell. A postmortem is being compiled.', summary: 'Rolled back to v41' },
};

describe('actionThreadLine', () => {
  it('names who handed off, with the note on its own line', () => {
    expect(actionThreadLine(NOTICES.handoff!)).toBe(
      'Alice Liddell: Handed off to Bob Marley; they are being paged and must acknowledge.\nNote: DB failover at 14:02 <not done>; @channel see runbook & <@U999>',
    );
  });

  it('keeps an answer that already names the person as it is, and adds the resolve summary', () => {
    expect(actionThreadLine(NOTICES.ack!)).toBe('Acknowledged by Alice Liddell. Escalation stopped.');
    expect(actionThreadLine(NOTICES.resolve!)).toBe('Resolved by Alice Liddell. A postmortem is being compiled.\nSummary: Rolled back to v41');
  });
});

describe('thread line golden files', () => {
  for (const [name, notice] of Object.entries(NOTICES)) {
    const line = actionThreadLine(notice);
    it(`posts the ${name} line in a Slack thread as golden/thread-line-${name}.json`, () => {
      expectGolden(join(__dirname, '..', 'platforms', 'slack', 'golden', `thread-line-${name}.json`), slackThreadLine('C0INCIDENTS', '1733400000.000100', line));
    });
    it(`posts the ${name} line as a Mattermost reply as golden/thread-line-${name}.json`, () => {
      expectGolden(join(__dirname, '..', 'platforms', 'mattermost', 'golden', `thread-line-${name}.json`), mattermostThreadLine('chan1', 'post1', line));
    });
    it(`answers the ${name} button on Discord publicly as golden/thread-line-${name}.json`, () => {
      expectGolden(join(__dirname, '..', 'platforms', 'discord', 'golden', `thread-line-${name}.json`), messageResponse(line, false));
    });
    it(`replies in the Teams thread with the ${name} line as golden/thread-line-${name}.json`, () => {
      expectGolden(join(__dirname, '..', 'platforms', 'teams', 'golden', `thread-line-${name}.json`), teamsThreadLine(line));
    });
    it(`posts the ${name} line in the local chat thread as golden/thread-line-${name}.txt`, () => {
      expectGolden(join(__dirname, '..', 'platforms', 'local', 'golden', `thread-line-${name}.txt`), `${line}\n`);
    });
  }

  it('escapes markup and defuses mass mentions in the note on every platform', () => {
    const line = actionThreadLine(NOTICES.handoff!);
    expect(slackThreadLine('C1', '1.2', line).text).toContain('&lt;not done&gt;');
    expect(slackThreadLine('C1', '1.2', line).text).not.toContain('<!channel>');
    expect(mattermostThreadLine('c', 'p', line).message).not.toMatch(/(^|\s)@channel\b/);
    expect(messageResponse(line, false).data).toMatchObject({ allowed_mentions: { parse: [] } });
  });
});

describe('the Ack button while a hand-off waits', () => {
  const { 'handoff-pending': pending, triggered } = lifecycleStates();
  it('is labelled for the new responder, so whoever handed off is not invited to ack again', () => {
    expect(ackLabel(buildIncidentMessage(pending!, CONTEXT))).toBe('Accept hand-off');
    expect(ackLabel(buildIncidentMessage(triggered!, CONTEXT))).toBe('Ack');
  });

  it('names who made the pending hand-off, so a page that knows its viewer can leave Ack out for them', () => {
    const at = '2026-03-29T00:40:00.000Z';
    const state = { ...pending!, timeline: [...pending!.timeline, { at, type: 'handoff' as const, actor: 'alice', text: 'Handed off from Alice to Bob by Alice' }] };
    expect(buildIncidentMessage(state, CONTEXT).handoffBy).toBe('alice');
    expect(buildIncidentMessage(triggered!, CONTEXT).handoffBy).toBeUndefined();
  });

  it('carries that label on Slack, Discord and Mattermost cards', () => {
    const m = buildIncidentMessage(pending!, CONTEXT);
    const slack = renderBlocks(m);
    expect(validateBlocks(slack)).toEqual([]);
    expect(JSON.stringify(slack)).toContain('"text":"Accept hand-off"');
    expect(JSON.stringify(renderAlert(m))).toContain('"label":"Accept hand-off"');
    expect(JSON.stringify(renderAttachment(m, { actionsUrl: 'https://incidents.example.com', actionSecret: 's' }))).toContain('"name":"Accept hand-off"');
  });
});
