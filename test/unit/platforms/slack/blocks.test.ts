// The Block Kit renderer against golden files (one per lifecycle state) and Slack's limits.
// Regenerate the goldens after an intended layout change: UPDATE_GOLDEN=1 npx jest test/unit/platforms/slack
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIncidentMessage, type IncidentMessage } from '../../../../activities/chat/message';
import { LIMITS, escapeText, renderBlocks, slackText, truncate } from '../../../../platforms/slack/shared/blocks';
import { actionId, parseActionId } from '../../../../platforms/slack/shared/actions';
import { validateBlocks } from '../../../fakes/slack/blockkit';
import { CONTEXT, baseState, lifecycleStates } from './fixtures';

const GOLDEN = join(__dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

const render = (s = baseState()) => renderBlocks(buildIncidentMessage(s, CONTEXT));
const texts = (blocks: unknown) => JSON.stringify(blocks);
const buttons = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);

describe('Block Kit golden files', () => {
  for (const [name, state] of Object.entries(lifecycleStates())) {
    it(`renders the ${name} state exactly as golden/${name}.json, and Slack would accept it`, () => {
      const blocks = renderBlocks(buildIncidentMessage(state, CONTEXT));
      const file = join(GOLDEN, `${name}.json`);
      const json = `${JSON.stringify(blocks, null, 2)}\n`;
      if (update) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, json);
      }
      expect(existsSync(file)).toBe(true);
      expect(json).toBe(readFileSync(file, 'utf8'));
      expect(validateBlocks(blocks)).toEqual([]);
    });
  }
});

describe('Block Kit renderer', () => {
  it('shows severity, resource, cluster and namespace, occurrences, who is paged and the level', () => {
    const t = texts(render());
    for (const s of ['ERROR', 'Deployment/checkout', 'prod-eu', 'shop', '*Occurrences*\\n7', '*Paging*\\nAlice Liddell', '*Escalation level*\\n1']) expect(t).toContain(s);
  });

  it('offers Ack, Hand off and Resolve while triggered, each action id carrying the incident id', () => {
    const s = baseState();
    const els = buttons(render(s));
    expect(els.map((e: any) => e.text.text)).toEqual(['Ack', 'Hand off', 'Resolve']);
    expect(els.map((e: any) => e.action_id)).toEqual([`incident:ack:${s.id}`, `incident:handoff:${s.id}`, `incident:resolve:${s.id}`]);
    expect(els.every((e: any) => e.value === s.id)).toBe(true);
  });

  it('drops Ack once acknowledged and shows who acknowledged', () => {
    const blocks = render({ ...baseState(), status: 'acknowledged' });
    expect(buttons(blocks).map((e: any) => e.text.text)).toEqual(['Hand off', 'Resolve']);
    expect(texts(blocks)).toContain('*Acknowledged by*\\nAlice Liddell');
  });

  it('shows no buttons once resolved, but the resolution and the postmortem link', () => {
    const blocks = render(lifecycleStates()['resolved-with-postmortem']);
    expect(buttons(blocks)).toEqual([]);
    expect(texts(blocks)).toContain('*Resolution*\\nfixed image tag');
    expect(texts(blocks)).toMatch(/<http:\/\/127\.0\.0\.1:8080\/chat#postmortem=[^|>]+\|Postmortem>/);
    expect(texts(blocks)).toMatch(/<http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/[^|>]+\|Temporal>/);
  });

  it('escapes cluster text so an event message cannot mention @channel or forge links', () => {
    const t = texts(render({ ...baseState(), message: 'boom <!channel> <http://evil|click> & more' }));
    expect(t).toContain('boom &lt;!channel&gt; &lt;http://evil|click&gt; &amp; more');
    expect(t).not.toContain('<!channel>');
  });

  it('keeps every text within Slack limits however long the input is', () => {
    const huge = 'x'.repeat(10_000);
    const s = { ...baseState(), message: huge, reason: huge, kind: huge, namespace: 'n'.repeat(5000), diagnostics: { available: true, digest: `<${huge}>`, sections: [] }, summary: huge };
    const blocks = render(s as any);
    expect(validateBlocks(blocks)).toEqual([]);
    expect((blocks[0] as any).text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  });

  it('falls back to a digest action id when the incident id would exceed 255 characters', () => {
    const id = `incident/c/${'f'.repeat(280)}`;
    const a = actionId('ack', id);
    expect(a.length).toBeLessThanOrEqual(255);
    expect(parseActionId(a)).toBe('ack');
    const m: IncidentMessage = { ...buildIncidentMessage(baseState(), CONTEXT), incidentId: id };
    expect(buttons(renderBlocks(m))[0].value).toBe(id);
  });

  it('truncates without leaving half an entity and escapes the three markup characters', () => {
    expect(escapeText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(truncate('abc&amp;', 6)).toBe('abc…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('turns paged user ids into real mentions in message text', () => {
    expect(slackText('@U0BOB01 you are paged', ['U0BOB01'])).toBe('<@U0BOB01> you are paged');
    expect(slackText('you are paged', ['U0BOB01'])).toBe('<@U0BOB01> you are paged');
    expect(slackText('a <b> @someone', [])).toBe('a &lt;b&gt; @someone');
  });
});
