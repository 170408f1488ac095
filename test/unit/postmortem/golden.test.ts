// The Markdown of a fixed incident (escalation, handoff, DST change in the display zone) against a
// committed golden file. After an intended rendering change: UPDATE_GOLDEN=1 npx jest test/unit/postmortem
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePostmortem } from '../../../activities/postmortem/compile';
import { renderJson, renderMarkdown } from '../../../activities/postmortem/render';
import { OPTIONS, escalatedHandedOffState } from './fixtures';

const GOLDEN = join(__dirname, 'golden', 'escalated-handed-off.md');

describe('postmortem Markdown golden file', () => {
  it('renders the escalated and handed-off incident exactly like the committed golden file', () => {
    const markdown = renderMarkdown(compilePostmortem(escalatedHandedOffState(), OPTIONS));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown);
    if (!existsSync(GOLDEN)) throw new Error(`${GOLDEN} is missing: run UPDATE_GOLDEN=1 npx jest test/unit/postmortem and commit it`);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('renders the same document and Markdown every time for the same state', () => {
    const a = compilePostmortem(escalatedHandedOffState(), OPTIONS);
    const b = compilePostmortem(escalatedHandedOffState(), OPTIONS);
    expect(renderJson(a)).toBe(renderJson(b));
    expect(renderMarkdown(a)).toBe(renderMarkdown(b));
    expect(JSON.parse(renderJson(a))).toEqual(a);
  });
});
