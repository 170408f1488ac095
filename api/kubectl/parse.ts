// The /kubectl argument parser: read-only verbs, kubectl's resource names and the flags people
// actually type in an incident. Pure: words in, a validated command or a refusal with the reason
// out. Anything not understood is refused by name (never silently ignored), Secrets always.
import { parseDuration } from '../../config/duration';
import { KUBECTL_VERBS, type KubectlVerb } from '../../config/schema-diagnostics';
import { findResourceType, isSecretType, RESOURCE_TYPES, SECRETS_REFUSAL, type ResourceType } from './resources';
import { quoteWord, tokenize } from './tokenize';

export interface Target {
  type: ResourceType;
  names: string[];
}

export interface KubectlCommand {
  verb: KubectlVerb;
  /** get: one or more types; describe, logs, top: one. Empty for events. */
  targets: Target[];
  namespace?: string;
  allNamespaces: boolean;
  selector?: string;
  fieldSelector?: string;
  wide: boolean;
  tail?: number;
  previous: boolean;
  container?: string;
  sinceSeconds?: number;
  /** events --for kind/name */
  forObject?: { type: ResourceType; name: string };
  eventTypes?: ('Normal' | 'Warning')[];
  cluster?: string;
  /** The command as it will be echoed in chat and the timeline: `kubectl get pods -n shop`. */
  text: string;
}

export type KubectlParse = { ok: true; command: KubectlCommand } | { ok: false; error: string; help?: boolean };

export const KUBECTL_USAGE: Record<KubectlVerb, string> = {
  get: '/kubectl get <type>[,<type>] [name...] [-n ns | -A] [-l selector] [--field-selector f] [-o wide]',
  describe: '/kubectl describe <type> [name...] | <type>/<name> [-n ns] [-l selector]',
  logs: '/kubectl logs <pod> | <type>/<name> [container] [-c container] [-p] [--tail N] [--since 10m] [-n ns] | logs -l selector',
  events: '/kubectl events [--for <type>/<name>] [--types Warning] [-n ns | -A]',
  top: '/kubectl top pods|nodes [name] [-n ns | -A] [-l selector]',
};
export const KUBECTL_HELP = [
  'Read-only kubectl from chat (no shell; Secrets are never shown):',
  ...KUBECTL_VERBS.map((v) => `  ${KUBECTL_USAGE[v]}`),
  'Any command also takes --cluster <name> where a channel reaches several clusters.',
].join('\n');

export const MAX_TAIL = 500;
export const DEFAULT_TAIL = 50;
/** Nodes keep days of logs, not years; the bound also keeps sinceSeconds a small integer. */
export const MAX_SINCE_SECONDS = 30 * 86_400;

const MUTATING = new Set([
  'create', 'apply', 'delete', 'edit', 'patch', 'replace', 'scale', 'autoscale', 'rollout', 'set', 'label', 'annotate', 'expose', 'run',
  'drain', 'cordon', 'uncordon', 'taint', 'certificate', 'kustomize', 'wait',
]);
const REACHES_IN = new Set(['exec', 'attach', 'cp', 'port-forward', 'proxy', 'debug', 'auth', 'config', 'plugin', 'api-resources', 'api-versions', 'cluster-info', 'version', 'explain', 'diff']);

type Kind = 'string' | 'int' | 'duration' | 'bool';
interface Flag {
  long: string;
  short?: string;
  kind: Kind;
  verbs: readonly KubectlVerb[];
}
const ALL = KUBECTL_VERBS;
const FLAGS: Flag[] = [
  { long: 'namespace', short: 'n', kind: 'string', verbs: ALL },
  { long: 'all-namespaces', short: 'A', kind: 'bool', verbs: ['get', 'describe', 'events', 'top'] },
  { long: 'selector', short: 'l', kind: 'string', verbs: ['get', 'describe', 'logs', 'top'] },
  { long: 'field-selector', kind: 'string', verbs: ['get'] },
  { long: 'output', short: 'o', kind: 'string', verbs: ['get'] },
  { long: 'tail', kind: 'int', verbs: ['logs'] },
  { long: 'previous', short: 'p', kind: 'bool', verbs: ['logs'] },
  { long: 'container', short: 'c', kind: 'string', verbs: ['logs'] },
  { long: 'since', kind: 'duration', verbs: ['logs'] },
  { long: 'for', kind: 'string', verbs: ['events'] },
  { long: 'types', kind: 'string', verbs: ['events'] },
  { long: 'cluster', kind: 'string', verbs: ALL },
];

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const fail = (error: string, verb?: KubectlVerb): KubectlParse => ({ ok: false, error: verb ? `${error}\nUsage: ${KUBECTL_USAGE[verb]}` : error });

function flagList(verb: KubectlVerb): string {
  return FLAGS.filter((f) => f.verbs.includes(verb)).map((f) => (f.short ? `-${f.short}/--${f.long}` : `--${f.long}`)).join(', ');
}

/** Parses the words after `/kubectl`. */
export function parseKubectl(input: string): KubectlParse {
  const t = tokenize(input);
  if (!t.ok) return { ok: false, error: t.error };
  const words = t.words[0]?.toLowerCase() === 'kubectl' ? t.words.slice(1) : t.words;
  if (words.length === 0 || ['help', '-h', '--help'].includes(words[0]!.toLowerCase())) return { ok: false, error: KUBECTL_HELP, help: true };
  const verbWord = words[0]!.toLowerCase();
  if (MUTATING.has(verbWord)) return fail(`Refused: "kubectl ${verbWord}" changes the cluster. /kubectl from chat is read-only; it allows ${KUBECTL_VERBS.join(', ')}.`);
  if (REACHES_IN.has(verbWord)) return fail(`Refused: "kubectl ${verbWord}" is not available from chat; /kubectl allows only ${KUBECTL_VERBS.join(', ')}.`);
  if (!(KUBECTL_VERBS as readonly string[]).includes(verbWord)) return fail(`Unknown verb "${words[0]}". /kubectl allows ${KUBECTL_VERBS.join(', ')}.\n${KUBECTL_HELP}`);
  const verb = verbWord as KubectlVerb;

  // ---- flags and positionals ---------------------------------------------------------------
  const values = new Map<string, string | boolean>();
  const positional: string[] = [];
  const set = (f: Flag, raw: string | undefined, given: string): string | undefined => {
    if (!f.verbs.includes(verb)) return `The flag ${given} does not apply to /kubectl ${verb}; it accepts ${flagList(verb)}.`;
    if (values.has(f.long)) return `The flag ${given} is given twice.`;
    if (f.kind === 'bool') {
      if (raw !== undefined && !/^(true|false)$/i.test(raw)) return `The flag ${given} is true or false, not "${raw}".`;
      values.set(f.long, raw === undefined || raw.toLowerCase() === 'true');
      return undefined;
    }
    if (raw === undefined || raw === '') return `The flag ${given} needs a value.`;
    values.set(f.long, raw);
    return undefined;
  };
  // The first flag problem is kept, not returned at once: a Secrets refusal must win over it.
  let flagProblem: KubectlParse | undefined;
  const problem = (err: string | undefined) => {
    if (err) flagProblem ??= fail(err, verb);
  };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = (eq >= 0 ? w.slice(2, eq) : w.slice(2)).toLowerCase();
      const f = FLAGS.find((x) => x.long === name);
      if (!f) {
        problem(`Unknown flag --${name}. /kubectl ${verb} accepts ${flagList(verb)}.`);
        continue;
      }
      const inline = eq >= 0 ? w.slice(eq + 1) : undefined;
      const raw = inline ?? (f.kind === 'bool' ? undefined : words[++i]);
      problem(set(f, raw, `--${name}`));
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      // Short flags, kubectl style: -n shop, -nshop, -n=shop, -pA.
      for (let j = 1; j < w.length; j++) {
        const f = FLAGS.find((x) => x.short === w[j]);
        if (!f) {
          problem(`Unknown flag -${w[j]}${w.length > 2 ? ` (in "${w}")` : ''}. /kubectl ${verb} accepts ${flagList(verb)}.`);
          break;
        }
        if (f.kind === 'bool') {
          problem(set(f, undefined, `-${f.short}`));
          continue;
        }
        const rest = w.slice(j + 1).replace(/^=/, '');
        problem(set(f, rest !== '' ? rest : words[++i], `-${f.short}`));
        break;
      }
      continue;
    }
    positional.push(w);
  }

  // ---- Secrets first: whatever else is wrong, that refusal is the one that matters --------
  const typeWords = [...positional.flatMap((p) => p.split('/')[0]!.split(',')), ...(typeof values.get('for') === 'string' ? [String(values.get('for')).split('/')[0]!] : [])];
  if (typeWords.some(isSecretType)) return { ok: false, error: SECRETS_REFUSAL };
  if (flagProblem) return flagProblem;

  const str = (k: string) => (typeof values.get(k) === 'string' ? (values.get(k) as string) : undefined);
  const output = str('output');
  if (output !== undefined && output.toLowerCase() !== 'wide') {
    const o = output.toLowerCase();
    if (/^(yaml|json|jsonpath|go-template|template|custom-columns)/.test(o))
      return fail(`Refused: -o ${output} is not available from chat. Whole objects can carry credentials (env values, annotations, last-applied configuration); use /kubectl describe, whose output is redacted.`, verb);
    return fail(`Unknown output format "${output}"; /kubectl get supports -o wide.`, verb);
  }
  const namespace = str('namespace');
  if (namespace !== undefined && !NAMESPACE.test(namespace)) return fail(`"${namespace}" is not a namespace name (lowercase letters, digits and "-").`, verb);
  if (namespace !== undefined && values.get('all-namespaces') === true) return fail('Give either -n/--namespace or -A/--all-namespaces, not both.', verb);

  const cmd: KubectlCommand = {
    verb,
    targets: [],
    namespace,
    allNamespaces: values.get('all-namespaces') === true,
    selector: str('selector'),
    fieldSelector: str('field-selector'),
    wide: output !== undefined,
    previous: values.get('previous') === true,
    container: str('container'),
    cluster: str('cluster'),
    text: `kubectl ${words.map(quoteWord).join(' ')}`,
  };
  if (cmd.container !== undefined && !NAME.test(cmd.container)) return fail(`"${cmd.container}" is not a container name.`, verb);
  if (cmd.cluster !== undefined && !/^[A-Za-z0-9._-]{1,63}$/.test(cmd.cluster)) return fail(`"${cmd.cluster}" is not a cluster name.`, verb);

  const tail = str('tail');
  if (tail !== undefined) {
    // Bounded before Number(): a 30-digit --tail would otherwise reach the apiserver as a float.
    if (!/^-?\d{1,6}$/.test(tail) || Number(tail) < -1 || Number(tail) > MAX_TAIL)
      return fail(`--tail takes a whole number of lines from 0 to ${MAX_TAIL} (or -1 for the last ${MAX_TAIL}), not "${tail}".`, verb);
    cmd.tail = Number(tail) === -1 ? MAX_TAIL : Number(tail);
  }
  const since = str('since');
  if (since !== undefined) {
    const ms = parseDuration(since);
    if (ms === undefined || ms < 1000) return fail(`--since takes a duration like 10m, 1h or 30s, not "${since}".`, verb);
    if (ms > MAX_SINCE_SECONDS * 1000) return fail(`--since is at most ${MAX_SINCE_SECONDS / 86_400}d (${MAX_SINCE_SECONDS}s), not "${since}".`, verb);
    cmd.sinceSeconds = Math.floor(ms / 1000);
  }
  const types = str('types');
  if (types !== undefined) {
    const list = types.split(',').map((x) => x.trim().toLowerCase());
    if (!list.every((x) => x === 'normal' || x === 'warning')) return fail(`--types takes Normal, Warning or both, not "${types}".`, verb);
    cmd.eventTypes = list.map((x) => (x === 'normal' ? 'Normal' : 'Warning'));
  }
  return buildTargets(cmd, positional, str('for'));
}

function resolveType(word: string, verb: KubectlVerb): ResourceType | string {
  const type = findResourceType(word);
  if (type) return type;
  if (word.toLowerCase() === 'all') return `"${word}" is not supported; name a type such as pods, deployments or services.`;
  return `Unknown resource type "${word}". /kubectl ${verb} knows ${RESOURCE_TYPES.map((r) => r.name).join(', ')} (and kubectl's short names such as po, deploy, svc, pvc).`;
}

function checkName(name: string, verb: KubectlVerb): string | undefined {
  return NAME.test(name) && name.length <= 253 ? undefined : `"${name}" is not a valid object name (lowercase letters, digits, "-" and ".").\nUsage: ${KUBECTL_USAGE[verb]}`;
}

/** `type name...`, `type/name ...` and comma lists, per verb. */
function buildTargets(cmd: KubectlCommand, positional: string[], forObject: string | undefined): KubectlParse {
  const verb = cmd.verb;
  const slashForm = positional.some((p) => p.includes('/'));
  const typed = (p: string): Target | string => {
    const [typeWord, name, extra] = p.split('/');
    if (extra !== undefined || !name) return `"${p}" is not <type>/<name>.`;
    const type = resolveType(typeWord!, verb);
    if (typeof type === 'string') return type;
    return checkName(name, verb) ?? { type, names: [name] };
  };

  if (verb === 'events') {
    if (positional.length) return fail(`/kubectl events takes no names; use --for <type>/<name> (got "${positional.join(' ')}").`, verb);
    if (forObject !== undefined) {
      const t = typed(forObject);
      if (typeof t === 'string') return fail(t, verb);
      cmd.forObject = { type: t.type, name: t.names[0]! };
    }
    return { ok: true, command: cmd };
  }

  if (verb === 'logs') {
    if (!positional.length && !cmd.selector) return fail('Which pod? Name it, use <type>/<name> (deploy/checkout), or -l <selector>.', verb);
    if (positional.length > 2) return fail(`Too many words: "${positional.join(' ')}".`, verb);
    if (positional.length) {
      const first = positional[0]!;
      const t = first.includes('/') ? typed(first) : (checkName(first, verb) ?? { type: RESOURCE_TYPES[0]!, names: [first] });
      if (typeof t === 'string') return fail(t, verb);
      if (!['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs'].includes(t.type.name))
        return fail(`Logs come from pods or their workloads (deploy/, sts/, ds/, rs/, job/), not ${t.type.name}.`, verb);
      cmd.targets = [t];
      if (positional[1] !== undefined) {
        if (cmd.container !== undefined) return fail('Name the container once: either as the second word or with -c.', verb);
        if (!NAME.test(positional[1])) return fail(`"${positional[1]}" is not a container name.`, verb);
        cmd.container = positional[1];
      }
    } else cmd.targets = [{ type: RESOURCE_TYPES[0]!, names: [] }];
    if (positional.length && cmd.selector) return fail('Give either a pod or -l <selector>, not both.', verb);
    cmd.tail ??= DEFAULT_TAIL;
    return { ok: true, command: cmd };
  }

  if (!positional.length) return fail(`Which resource type? ${verb === 'top' ? 'Use pods or nodes.' : 'For example pods, deployments or nodes.'}`, verb);
  if (slashForm) {
    const targets: Target[] = [];
    for (const p of positional) {
      if (!p.includes('/')) return fail(`Mixing "${p}" with <type>/<name> forms: write every object as <type>/<name>.`, verb);
      const t = typed(p);
      if (typeof t === 'string') return fail(t, verb);
      const same = targets.find((x) => x.type.name === t.type.name);
      if (same) same.names.push(...t.names);
      else targets.push(t);
    }
    cmd.targets = targets;
  } else {
    const typeWords = positional[0]!.split(',').filter(Boolean);
    const names = positional.slice(1);
    for (const n of names) {
      const bad = checkName(n, verb);
      if (bad) return fail(bad.split('\nUsage')[0]!, verb);
    }
    for (const w of typeWords) {
      const type = resolveType(w, verb);
      if (typeof type === 'string') return fail(type, verb);
      cmd.targets.push({ type, names: [...names] });
    }
    if (names.length && cmd.targets.length > 1) return fail('Names go with a single type; with several types use <type>/<name> forms.', verb);
  }
  if (verb !== 'get' && cmd.targets.length > 1) return fail(`/kubectl ${verb} takes one resource type at a time.`, verb);
  if (verb === 'top' && !['pods', 'nodes'].includes(cmd.targets[0]!.type.name)) return fail(`/kubectl top shows pods or nodes, not ${cmd.targets[0]!.type.name}.`, verb);
  const named = cmd.targets.some((t) => t.names.length > 0);
  if (named && cmd.selector) return fail('Give either names or -l <selector>, not both.', verb);
  if (named && cmd.allNamespaces && cmd.targets.some((t) => t.type.namespaced)) return fail('Names need one namespace: use -n instead of -A.', verb);
  return { ok: true, command: cmd };
}
