// The postmortem as an HTML document: the Markdown subset renderMarkdown writes becomes headings,
// tables, lists and code; everything else is text, escaped, and links only go to http(s) or the page.
import { markdownToHtml } from '../../../activities/postmortem/html';
import { compilePostmortem } from '../../../activities/postmortem/compile';
import { renderMarkdown } from '../../../activities/postmortem/render';
import { postmortemPage } from '../../../api/postmortems';
import { OPTIONS, escalatedHandedOffState } from './fixtures';

describe('markdownToHtml', () => {
  it('renders headings, a key/value table, lists with boxes and fenced code', () => {
    const html = markdownToHtml(['# Postmortem: x', '', '| | |', '|---|---|', '| Severity | error |', '| Note | a \\| b |', '', '## Action items', '', '- [ ] fix it', '- plain', '', '```', '<b>log</b>', '```'].join('\n'));
    expect(html).toContain('<h1>Postmortem: x</h1>');
    expect(html).toContain('<table><tbody><tr><th scope="row">Severity</th><td>error</td></tr><tr><th scope="row">Note</th><td>a | b</td></tr></tbody></table>');
    expect(html).toContain('<h2>Action items</h2>');
    expect(html).toContain('<ul><li><input type="checkbox" disabled> fix it</li><li>plain</li></ul>');
    expect(html).toContain('<pre><code>&lt;b&gt;log&lt;/b&gt;</code></pre>');
  });

  it('escapes markup from notes and logs and drops links that are not http(s) or on the page', () => {
    const html = markdownToHtml(['**Summary:** <img src=x onerror=alert(1)> `<script>` [x](javascript:alert(1)) [ok](https://example.com/a?b="c")', '', '- [Alert](#incident=x) and [evil](//evil.example)'].join('\n'));
    expect(html).not.toMatch(/<img|<script|href="javascript|href="\/\/evil/);
    expect(html).toContain('<strong>Summary:</strong> &lt;img src=x onerror=alert(1)&gt; <code>&lt;script&gt;</code> [x](javascript:alert(1))');
    expect(html).toContain('<a href="https://example.com/a?b=&quot;c&quot;">ok</a>');
    expect(html).toContain('<a href="#incident=x">Alert</a>');
  });

  it('renders a whole compiled postmortem with its sections as headings and its facts as a table', () => {
    const d = compilePostmortem(escalatedHandedOffState(), OPTIONS);
    const page = postmortemPage(d.id, renderMarkdown(d));
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(`<h1>Postmortem: ${d.title}</h1>`);
    for (const h of ['Responders', 'Escalation', 'Timeline', 'Action items']) expect(page).toContain(`<h2>${h}</h2>`);
    expect(page).toContain('<th scope="row">Severity</th>');
    expect(page).not.toContain('| Severity |');
  });
});

describe('the Problem row', () => {
  it('says the kind once when the reason is the same word', () => {
    const d = compilePostmortem({ ...escalatedHandedOffState(), kind: 'CrashLoopBackOff', reason: 'CrashLoopBackOff' }, OPTIONS);
    expect(renderMarkdown(d)).toContain('| Problem | CrashLoopBackOff |');
  });
});
