// Postmortem Markdown as an HTML fragment, for people reading it in a browser (the local chat page,
// the REST api with Accept: text/html). Only the subset renderMarkdown writes: headings, paragraphs,
// pipe tables, lists (with [ ] boxes), fenced code, **bold**, `code` and [links](url). Every piece of
// text is escaped; links keep only http(s) and same-page (#...) targets, so a note or a log line in
// the document can never become markup.

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function safeHref(url: string): string | undefined {
  return /^(https?:\/\/|\/|#)/i.test(url) && !/^\/\//.test(url) ? url : undefined;
}

/** Inline markup: code spans first (their content is literal), then links and bold in the rest. */
export function inline(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escape(part.slice(1, -1))}</code>`;
      const unescaped = part.replace(/\\\|/g, '|');
      let out = '';
      let last = 0;
      for (const m of unescaped.matchAll(/\[([^\]]*)\]\(([^)\s]+)\)/g)) {
        out += bold(escape(unescaped.slice(last, m.index)));
        const href = safeHref(m[2]!);
        out += href ? `<a href="${escape(href)}">${bold(escape(m[1]!))}</a>` : bold(escape(m[0]));
        last = m.index + m[0].length;
      }
      return out + bold(escape(unescaped.slice(last)));
    })
    .join('');
}

const bold = (escaped: string) => escaped.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');

/** Splits `| a | b \| c |` into cells, honouring escaped pipes. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^(`{3,})\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== fence[1]) body.push(lines[i++]!);
      i++;
      out.push(`<pre><code>${escape(body.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
      i++;
      continue;
    }
    if (line.startsWith('|') && /^\|[\s:|-]+\|$/.test(lines[i + 1] ?? '')) {
      const head = cells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(cells(lines[i++]!));
      const th = head.some((h) => h !== '') ? `<thead><tr>${head.map((h) => `<th>${inline(h)}</th>`).join('')}</tr></thead>` : '';
      out.push(`<table>${th}<tbody>${rows.map((r) => `<tr>${r.map((c, j) => (j === 0 && !th ? `<th scope="row">${inline(c)}</th>` : `<td>${inline(c)}</td>`)).join('')}</tr>`).join('')}</tbody></table>`);
      continue;
    }
    if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('- ')) {
        const item = lines[i++]!.slice(2);
        const box = /^\[( |x)\] (.*)$/.exec(item);
        items.push(box ? `<li><input type="checkbox" disabled${box[1] === 'x' ? ' checked' : ''}> ${inline(box[2]!)}</li>` : `<li>${inline(item)}</li>`);
      }
      out.push(`<ul>${items.join('')}</ul>`);
      continue;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6} |- |\||`{3,})/.test(lines[i]!)) para.push(lines[i++]!);
    out.push(`<p>${inline(para.join(' '))}</p>`);
  }
  return `${out.join('\n')}\n`;
}
