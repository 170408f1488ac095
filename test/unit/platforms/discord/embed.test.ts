// The Discord renderer against golden files (one per lifecycle state) and Discord's limits.
// Regenerate the goldens after an intended layout change: UPDATE_GOLDEN=1 npx jest test/unit/platforms/discord
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIncidentMessage, type IncidentMessage } from '../../../../activities/chat/message';
import { LIMITS, discordContent, embedLength, escapeMarkdown, renderAlert, threadName, truncate } from '../../../../platforms/discord/shared/embed';
import { customId, footerText, idDigest, markLine, nonceFor, parseCustomId, postMark, readMarks } from '../../../../platforms/discord/shared/ids';
import { hasErrors, notifiedUsers, validateMessage } from '../../../fakes/discord/validate';
import { CONTEXT, baseState, lifecycleStates } from '../slack/fixtures';

const GOLDEN = join(__dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const KEY = 'incident/prod-eu/shop-deployment-checkout-crashloopbackoff@2026-03-02T10:15:00.000Z/alert';

const render = (s = baseState(), key?: string) => renderAlert(buildIncidentMessage(s, CONTEXT), key);
const fields = (r: ReturnType<typeof render>) => Object.fromEntries(r.embeds[0]!.fields!.map((f) => [f.name, f.value]));
const labels = (r: ReturnType<typeof render>) => r.components.flatMap((row) => row.components.filter((b) => b.style !== 5).map((b) => b.label));

describe('Discord golden files', () => {
  for (const [name, state] of Object.entries(lifecycleStates())) {
    it(`renders the ${name} state exactly as golden/${name}.json, and Discord would accept it`, () => {
      const rendered = render(state, KEY);
      const file = join(GOLDEN, `${name}.json`);
      const json = `${JSON.stringify(rendered, null, 2)}\n`;
      if (update) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, json);
      }
      expect(existsSync(file)).toBe(true);
      expect(json).toBe(readFileSync(file, 'utf8'));
      expect(validateMessage({ ...rendered, allowed_mentions: { parse: [] } }, { create: true })).toEqual({});
    });
  }
});

describe('Discord renderer', () => {
  it('shows severity, status, resource, cluster, namespace, occurrences, who is paged and the level, colored by severity', () => {
    const r = render();
    expect(fields(r)).toMatchObject({ Severity: 'ERROR', Status: 'TRIGGERED', Resource: 'Deployment/checkout', Cluster: 'prod-eu', Namespace: 'shop', Occurrences: '7', Paging: 'Alice Liddell', 'Escalation level': '1' });
    expect(r.embeds[0]!.color).toBe(0xe67e22);
    expect(render({ ...baseState(), severity: 'critical' }).embeds[0]!.color).toBe(0xed4245);
  });

  it('offers Ack, Hand off and Resolve in one row while triggered, each custom id carrying the verb and the incident id', () => {
    const s = baseState();
    const row = render(s).components[0]!;
    expect(row.components.map((b) => [b.label, b.custom_id])).toEqual([
      ['Ack', `incident:ack:${s.id}`],
      ['Hand off', `incident:handoff:${s.id}`],
      ['Resolve', `incident:resolve:${s.id}`],
    ]);
    expect(parseCustomId(row.components[1]!.custom_id!)).toEqual({ action: 'handoff', incidentId: s.id });
  });

  it('puts the Temporal and postmortem links on link buttons, which carry no custom id', () => {
    const links = render(lifecycleStates()['resolved-with-postmortem']).components.flatMap((r) => r.components).filter((b) => b.style === 5);
    expect(links.map((b) => b.label)).toEqual(['Temporal', 'Incident', 'Postmortem']);
    expect(links.every((b) => b.url?.startsWith('http://127.0.0.1:') && b.custom_id === undefined)).toBe(true);
  });

  it('drops Ack once acknowledged and shows who acknowledged; shows no action buttons once resolved, but the resolution', () => {
    const acked = render({ ...baseState(), status: 'acknowledged' });
    expect(labels(acked)).toEqual(['Hand off', 'Resolve']);
    expect(fields(acked)['Acknowledged by']).toBe('Alice Liddell');
    const resolved = render(lifecycleStates()['resolved-with-postmortem']);
    expect(labels(resolved)).toEqual([]);
    expect(fields(resolved).Resolution).toBe('fixed image tag: rolled back to v41');
    expect(resolved.embeds[0]!.color).toBe(0x57f287);
  });

  it('carries the incident id and the post mark in the footer, where readMarks finds them again', () => {
    const r = render(baseState(), KEY);
    expect(r.embeds[0]!.footer!.text).toBe(`${baseState().id} · ref ${postMark(KEY)}`);
    expect(readMarks({ embeds: r.embeds })).toEqual({ incidentId: baseState().id, mark: postMark(KEY) });
    expect(readMarks({ embeds: render().embeds })).toEqual({ incidentId: baseState().id, mark: undefined });
  });

  it('escapes cluster text so an event message cannot forge links, mentions or formatting', () => {
    const r = render({ ...baseState(), message: 'boom [click](http://evil) <@&123> **x** ~~y~~ `z`' });
    const d = r.embeds[0]!.description!;
    expect(d).toContain('boom \\[click\\](http://evil) \\<@&123\\> \\*\\*x\\*\\* \\~\\~y\\~\\~ \\`z\\`');
    expect(escapeMarkdown('- item\n# head')).toBe('\\- item\n\\# head');
  });

  it('keeps every text within Discord limits however long the input is', () => {
    const huge = 'x'.repeat(10_000);
    const s = { ...baseState(), message: huge, reason: huge, kind: huge, namespace: 'n'.repeat(5000), diagnostics: { available: true, digest: `<${huge}>`, sections: [] }, summary: huge };
    const r = render(s as any, KEY);
    expect(validateMessage({ ...r }, { create: true })).toEqual({});
    expect(embedLength(r.embeds[0]!)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(r.embeds[0]!.title!.length).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect(r.embeds[0]!.footer!.text).toContain(postMark(KEY)); // the mark survives any cut
  });

  it('falls back to a digest custom id when the incident id would pass 100 characters', () => {
    const id = `incident/c/${'f'.repeat(250)}`;
    const m: IncidentMessage = { ...buildIncidentMessage(baseState(), CONTEXT), incidentId: id };
    const ack = renderAlert(m).components[0]!.components[0]!;
    expect(ack.custom_id!.length).toBeLessThanOrEqual(100);
    expect(parseCustomId(ack.custom_id!)).toEqual({ action: 'ack', digest: idDigest(id) });
    expect(customId('ack', 'incident/c/short')).toBe('incident:ack:incident/c/short');
  });

  it('derives a nonce within 25 characters from channel and key, and a mark from the key, the same on every attempt', () => {
    const c = '1111111111111111111';
    expect(nonceFor(c, KEY)).toHaveLength(25);
    expect(nonceFor(c, KEY)).toBe(nonceFor(c, KEY));
    expect(nonceFor(c, KEY)).not.toBe(nonceFor(c, `${KEY}x`));
    expect(nonceFor(c, KEY)).not.toBe(nonceFor('2222222222222222222', KEY)); // Discord compares nonces across channels
    expect(footerText('incident/a/b')).toBe('incident/a/b');
    expect(markLine('k', 'incident/a/b_c')).toBe(`-# \`incident/a/b_c\` · ref ${postMark('k')}`);
  });
});

describe('Discord message content', () => {
  const alice = '123456789012345678';

  it('turns a paged user id into a real mention that Discord notifies, and ends with the post mark', () => {
    const content = discordContent(`@${alice} you are paged`, { mentions: [alice], key: 'k', incidentId: 'incident/a/b' });
    expect(content).toBe(`<@${alice}> you are paged\n-# \`incident/a/b\` · ref ${postMark('k')}`);
    expect(notifiedUsers(content, { users: [alice] })).toEqual([alice]);
    expect(readMarks({ content })).toEqual({ incidentId: 'incident/a/b', mark: postMark('k') });
    expect(discordContent('you are paged', { mentions: [alice] })).toBe(`<@${alice}> you are paged`);
  });

  it('escapes mention and link syntax from the text, so only the paged user can be notified', () => {
    const content = discordContent('see <@999999999999999999> and [x](http://evil)');
    expect(content).toBe('see \\<@999999999999999999\\> and \\[x\\](http://evil)');
    expect(notifiedUsers(content, { parse: [] })).toEqual([]);
  });

  it('stays within 2000 characters, keeping the mark, and names threads within 100', () => {
    const content = discordContent('y'.repeat(5000), { key: 'k' });
    expect(content.length).toBeLessThanOrEqual(LIMITS.content);
    expect(content.endsWith(`ref ${postMark('k')}`)).toBe(true);
    expect(hasErrors(validateMessage({ content }, { create: true }))).toBe(false);
    expect(threadName('a'.repeat(300))).toHaveLength(100);
    expect(truncate('ab\\*cd', 4)).toBe('ab…');
  });
});
