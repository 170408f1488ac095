// A strict parser of the Prometheus text exposition format (0.0.4), for tests that scrape /metrics:
// it throws on anything Prometheus would reject (bad names, escapes, values, a TYPE after samples,
// a family split in two, histogram buckets that are not cumulative or miss +Inf).
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''], counter: ['', '_total'] };

// Prometheus reads values with Go's ParseFloat: NaN and Inf in any case (prom-client writes "Nan").
function parseValue(text: string, where: string): number {
  const word = text.toLowerCase();
  if (['+inf', 'inf', '+infinity', 'infinity'].includes(word)) return Infinity;
  if (['-inf', '-infinity'].includes(word)) return -Infinity;
  if (word === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: "${text}" is not a number`);
  return Number(text);
}

function parseLabels(body: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without "="`);
    const name = body.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new Error(`${where}: bad label name "${name}"`);
    if (name in labels) throw new Error(`${where}: label "${name}" twice`);
    if (body[eq + 1] !== '"') throw new Error(`${where}: label "${name}" value is not quoted`);
    let value = '';
    let j = eq + 2;
    for (;; j++) {
      if (j >= body.length) throw new Error(`${where}: unterminated label value`);
      const ch = body[j]!;
      if (ch === '"') break;
      if (ch === '\\') {
        const next = body[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`${where}: bad escape "\\${next}" in label "${name}"`);
      } else value += ch;
    }
    labels[name] = value;
    i = j + 1;
    if (body[i] === ',') i++;
    else if (i < body.length) throw new Error(`${where}: expected "," after label "${name}"`);
  }
  return labels;
}

/** The families of one exposition, by name. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  let current: Family | undefined;
  const family = (name: string, where: string): Family => {
    if (current?.name === name) return current;
    if (closed.has(name) || families.has(name)) throw new Error(`${where}: family ${name} is split or declared twice`);
    if (current) closed.add(current.name);
    current = { name, type: 'untyped', samples: [] };
    families.set(name, current);
    return current;
  };
  text.split('\n').slice(0, -1).forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line.trim() === '') return;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ''] = meta;
      if (!NAME.test(name!)) throw new Error(`${where}: bad metric name "${name}"`);
      const f = family(name!, where);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type "${rest}"`);
        if (f.samples.length || f.type !== 'untyped') throw new Error(`${where}: TYPE of ${name} after its samples or twice`);
        f.type = rest as Family['type'];
      } else f.help = rest;
      return;
    }
    if (line.startsWith('#')) return;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${where}: not a sample: ${line}`);
    const [, name, labelText, valueText] = m;
    const sample = { name: name!, labels: parseLabels(labelText ?? '', where), value: parseValue(valueText!, where) };
    const owner = current && (SUFFIXES[current.type] ?? ['']).some((s) => `${current!.name}${s}` === name) ? current : family(name!, where);
    owner.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

const canonical = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

function checkHistogram(f: Family): void {
  const groups = new Map<string, Sample[]>();
  for (const s of f.samples.filter((x) => x.name.endsWith('_bucket'))) {
    const { le, ...rest } = s.labels;
    if (le === undefined) throw new Error(`${f.name}: bucket without le`);
    const k = canonical(rest);
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const [k, buckets] of groups) {
    const les = buckets.map((b) => parseValue(b.labels.le!, f.name));
    for (let i = 1; i < buckets.length; i++) {
      if (les[i]! <= les[i - 1]! || buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${f.name}${k}: buckets not increasing`);
    }
    if (les.at(-1) !== Infinity) throw new Error(`${f.name}${k}: no +Inf bucket`);
    const count = f.samples.find((s) => s.name === `${f.name}_count` && canonical(s.labels) === k);
    if (!count || count.value !== buckets.at(-1)!.value) throw new Error(`${f.name}${k}: _count differs from the +Inf bucket`);
  }
}

/** Sum of the samples called `name` whose labels include `labels`. */
export function sampleSum(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const f of families.values()) {
    for (const s of f.samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

export async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  if (!(res.headers.get('content-type') ?? '').startsWith('text/plain')) throw new Error(`${url}: content type ${res.headers.get('content-type')}`);
  return parsePrometheusText(await res.text());
}
