// The Mattermost renderer against golden files (one per lifecycle state) and Mattermost's limits.
// Regenerate the goldens after an intended layout change: UPDATE_GOLDEN=1 npx jest test/unit/platforms/mattermost
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIncidentMessage } from '../../../../activities/chat/message';
import { verifyActionToken } from '../../../../platforms/mattermost/shared/actions';
import { LIMITS, escapeMarkdown, mattermostText, renderAttachment, renderPost, truncate, type RenderContext } from '../../../../platforms/mattermost/shared/render';
import { validatePost } from '../../../fakes/mattermost/workspace';
import { CONTEXT, baseState, lifecycleStates } from '../slack/fixtures';

const GOLDEN = join(__dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const RENDER: RenderContext = { actionsUrl: 'https://incidents.example.com', actionSecret: 'golden-action-secret' };

const render = (s = baseState()) => renderAttachment(buildIncidentMessage(s, CONTEXT), RENDER);
const fields = (a: ReturnType<typeof render>) => Object.fromEntries(a.fields.map((f) => [f.title, f.value]));

describe('Mattermost post golden files', () => {
  for (const [name, state] of Object.entries(lifecycleStates())) {
    it(`renders the ${name} state exactly as golden/${name}.json, and Mattermost would accept it`, () => {
      const post = renderPost(buildIncidentMessage(state, CONTEXT), RENDER);
      const file = join(GOLDEN, `${name}.json`);
      const json = `${JSON.stringify(post, null, 2)}\n`;
      if (update) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, json);
      }
      expect(existsSync(file)).toBe(true);
      expect(json).toBe(readFileSync(file, 'utf8'));
      expect(validatePost(post.message, post.props)).toBeUndefined();
    });
  }
});

describe('Mattermost renderer', () => {
  it('shows severity, resource, cluster and namespace, occurrences, who is paged and the level, colored by severity', () => {
    const a = render();
    expect(fields(a)).toMatchObject({ Severity: 'ERROR', Resource: 'Deployment/checkout', Cluster: 'prod-eu / shop', Occurrences: '7', Paging: 'Alice Liddell', 'Escalation level': '1' });
    expect(a.color).toBe('#e8590c');
    expect(render({ ...baseState(), severity: 'critical' }).color).toBe('#b3001b');
    expect(a.footer).toBe(`id ${baseState().id}`);
  });

  it('offers Ack, Hand off and Resolve while triggered, each calling the api with a token for that action and incident', () => {
    const s = baseState();
    const actions = render(s).actions!;
    expect(actions.map((b) => [b.id, b.name])).toEqual([['ack', 'Ack'], ['handoff', 'Hand off'], ['resolve', 'Resolve']]);
    for (const b of actions) {
      expect(b.integration.url).toBe('https://incidents.example.com/mattermost/actions');
      expect(b.integration.context).toMatchObject({ action: b.id, incident_id: s.id });
      expect(verifyActionToken(RENDER.actionSecret, b.integration.context.action, s.id, b.integration.context.token)).toBe(true);
      expect(verifyActionToken('another-secret', b.integration.context.action, s.id, b.integration.context.token)).toBe(false);
    }
    // A token is good for its own button only.
    expect(verifyActionToken(RENDER.actionSecret, 'resolve', s.id, actions[0]!.integration.context.token)).toBe(false);
    expect(verifyActionToken(RENDER.actionSecret, 'ack', `${s.id}x`, actions[0]!.integration.context.token)).toBe(false);
  });

  it('drops Ack once acknowledged and shows who acknowledged', () => {
    const a = render({ ...baseState(), status: 'acknowledged' });
    expect(a.actions!.map((b) => b.name)).toEqual(['Hand off', 'Resolve']);
    expect(fields(a)['Acknowledged by']).toBe('Alice Liddell');
  });

  it('shows no buttons once resolved, but the resolution, the digest and the postmortem and Temporal links', () => {
    const a = render(lifecycleStates()['resolved-with-postmortem']);
    expect(a.actions).toBeUndefined();
    expect(a.color).toBe('#3db887');
    expect(fields(a).Resolution).toBe('fixed image tag: rolled back to v41');
    expect(fields(a).Diagnostics).toContain('OOMKilled');
    expect(fields(a).Links).toMatch(/^\[Temporal\]\(http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/[^)\s]+\) · \[Incident\]\([^)\s]+\) · \[Postmortem\]\(http:\/\/127\.0\.0\.1:8080\/chat#postmortem=[^)\s]+\)$/);
  });

  it('escapes cluster text so an event message cannot forge links or formatting, or notify @channel', () => {
    const a = render({ ...baseState(), message: 'boom [click](http://evil) **bold** @channel <http://x|y>' });
    expect(a.text).toBe('BackOff: boom \\[click\\]\\(http://evil\\) \\*\\*bold\\*\\* @\u200bchannel \\<http://x\\|y\\>');
    expect(a.text).not.toMatch(/(^|[^\\])\[click\]/);
    expect(renderPost(buildIncidentMessage({ ...baseState(), kind: '@all' }, CONTEXT), RENDER).message).not.toMatch(/@all/);
  });

  it('keeps every text within Mattermost limits however long the input is, and the post stays valid', () => {
    const huge = 'x'.repeat(40_000);
    const s = { ...baseState(), message: huge, reason: huge, kind: huge, namespace: 'n'.repeat(5000), diagnostics: { available: true, digest: `*${huge}`, sections: [] }, summary: huge };
    const post = renderPost(buildIncidentMessage(s as any, CONTEXT), RENDER);
    expect(validatePost(post.message, post.props)).toBeUndefined();
    const a = post.props.attachments[0]!;
    expect(post.message.length).toBeLessThanOrEqual(LIMITS.title);
    expect(a.text.length).toBeLessThanOrEqual(LIMITS.text);
    expect(a.fields.every((f) => f.value.length <= LIMITS.fieldValue || f.title === 'Links')).toBe(true);
  });

  it('cuts without leaving half a backslash escape behind', () => {
    expect(truncate(escapeMarkdown('abc*def'), 5)).toBe('abc…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('turns paged user ids into @username mentions and defuses every other mention', () => {
    const id = 'abcdefghijklmnopqrstuvwxyz';
    expect(mattermostText(`@${id} you are paged`, { [id]: 'bob' })).toBe('@bob you are paged');
    expect(mattermostText('you are paged', { [id]: 'bob' })).toBe('@bob you are paged');
    expect(mattermostText('ping @channel and @alice')).toBe('ping @\u200bchannel and @\u200balice');
    expect(mattermostText('y'.repeat(20_000)).length).toBeLessThanOrEqual(LIMITS.message);
  });
});
