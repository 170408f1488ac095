// Property tests of /kubectl parsing (api/kubectl/parse.ts, tokenize.ts): only the five read verbs
// ever pass; every write verb, every verb that reaches into the cluster and every flag that would
// swap the identity, the server or the output format (kubeconfig, token, impersonation, raw paths,
// templates, verbose request logs) is refused wherever it stands and however it is quoted; Secrets
// are refused in every spelling; the tokenizer gives back the words it was given, and the command
// echoed in the timeline reads back as the same command.
import fc from 'fast-check';
import { parseKubectl } from '../../../../api/kubectl/parse';
import { RESOURCE_TYPES, SECRETS_REFUSAL } from '../../../../api/kubectl/resources';
import { quoteWord, tokenize } from '../../../../api/kubectl/tokenize';
import { KUBECTL_VERBS } from '../../../../config/schema-diagnostics';
import { assertProperty } from '../../../helpers/property';

const WRITE_VERBS = [
  'create', 'apply', 'delete', 'edit', 'patch', 'replace', 'scale', 'autoscale', 'rollout', 'set', 'label', 'annotate', 'expose', 'run',
  'drain', 'cordon', 'uncordon', 'taint', 'certificate', 'kustomize', 'wait',
];
const REACHING_VERBS = ['exec', 'attach', 'cp', 'port-forward', 'proxy', 'debug', 'auth', 'config', 'plugin', 'api-resources', 'api-versions', 'cluster-info', 'version', 'explain', 'diff'];
/** Verbs kubectl has that /kubectl does not know at all: refused as unknown. */
const OTHER_VERBS = ['alpha', 'completion', 'options', 'apply-set', 'krew', 'neat', 'whoami'];

const randomCase = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) => [...s].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''));

// ---- a grammar of valid read commands ---------------------------------------------------------
const ns = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,14}[a-z0-9])?$/);
const selector = fc.stringMatching(/^[a-z]{1,8}(=|!=|==)[a-z0-9]{1,8}$/);
const typeOf = (names: string[]) => fc.constantFrom(...RESOURCE_TYPES.filter((t) => names.includes(t.name))).chain((t) => fc.constantFrom(t.name, ...t.aliases));
const anyType = fc.constantFrom(...RESOURCE_TYPES).chain((t) => fc.constantFrom(t.name, ...t.aliases));
/** `-n x`, `-nx`, `-n=x`, `--namespace x`, `--namespace=x`. */
const nsFlag = ns.chain((n) => fc.constantFrom([`-n`, n], [`-n${n}`], [`-n=${n}`], ['--namespace', n], [`--namespace=${n}`]).map((ws) => ({ ws, n })));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/**
 * A read command from the grammar and the fields it must parse to. `groups` are its units (the
 * verb, a positional, a flag with its value), so other words can be put between them.
 */
const readCommand = fc.oneof(
  fc.tuple(fc.array(anyType, { minLength: 1, maxLength: 3 }), opt(nsFlag), opt(selector), fc.boolean()).map(([types, nsf, sel, wide]) => ({
    groups: [['get'], [types.join(',')], ...(nsf ? [nsf.ws] : []), ...(sel ? [['-l', sel]] : []), ...(wide ? [['-o', 'wide']] : [])],
    expect: { verb: 'get', namespace: nsf?.n, selector: sel, wide },
  })),
  fc.tuple(typeOf(['pods', 'deployments', 'nodes', 'services', 'configmaps']), name, opt(nsFlag)).map(([t, n, nsf]) => ({
    groups: [['describe'], [`${t}/${n}`], ...(nsf ? [nsf.ws] : [])],
    expect: { verb: 'describe', namespace: nsf?.n },
  })),
  fc.tuple(name, fc.integer({ min: 0, max: 500 }), fc.boolean(), opt(nsFlag)).map(([pod, tail, previous, nsf]) => ({
    groups: [['logs'], [pod], ['--tail', String(tail)], ...(previous ? [['-p']] : []), ...(nsf ? [nsf.ws] : [])],
    expect: { verb: 'logs', tail, previous, namespace: nsf?.n },
  })),
  fc.tuple(typeOf(['deployments', 'pods']), name, fc.constantFrom('Warning', 'Normal', 'Warning,Normal')).map(([t, n, types]) => ({
    groups: [['events'], ['--for', `${t}/${n}`], ['--types', types]],
    expect: { verb: 'events', forObject: expect.objectContaining({ name: n }) },
  })),
  fc.tuple(typeOf(['pods', 'nodes']), fc.boolean()).map(([t, all]) => ({ groups: [['top'], [t], ...(all ? [['-A']] : [])], expect: { verb: 'top', allNamespaces: all } })),
).map((c) => ({ ...c, words: c.groups.flat() }));

/** Flags that would change who kubectl is, where it goes or what it prints: none is a /kubectl flag. */
const SMUGGLED: string[][] = [
  ['--kubeconfig=/root/.kube/config'], ['--kubeconfig', '/etc/kubernetes/admin.conf'], ['--context', 'prod-admin'], ['--user=cluster-admin'],
  ['--token', 'eyJhbGciOi'], ['--token=abc'], ['--server=https://10.0.0.1:6443'], ['-s', 'https://10.0.0.1'], ['--insecure-skip-tls-verify'],
  ['--as=system:admin'], ['--as', 'admin'], ['--as-group=system:masters'], ['--as-uid=0'], ['--username', 'admin'], ['--password=hunter2'],
  ['--client-key=/k'], ['--client-certificate', '/c'], ['--certificate-authority=/ca'], ['--raw', '/api/v1/namespaces/kube-system/secrets'], ['--raw=/metrics'],
  ['-o=go-template={{.data}}'], ['-ogo-template={{.data}}'], ['-o', 'go-template-file=/etc/x'], ['--output=jsonpath={.data}'], ['-o', 'json'], ['-oyaml'],
  ['-o=custom-columns=D:.data'], ['--template={{.data}}'], ['--show-managed-fields'], ['-v=9'], ['--v=10'], ['-v', '8'], ['--watch'], ['-w'],
  ['-f', 'evil.yaml'], ['--filename=-'], ['-k', 'dir'], ['-R'], ['--overrides={"spec":{}}'], ['--dry-run=none'], ['--force'], ['--grace-period=0'],
  ['--cascade=orphan'], ['--profile=cpu'], ['--cache-dir=/tmp'], ['--request-timeout=0'],
];
/** Puts the smuggled words between two units of a read command, after the verb. */
const smuggle = fc.tuple(readCommand, fc.constantFrom(...SMUGGLED), fc.nat(), fc.boolean()).map(([c, flag, at, quote]) => {
  const pos = 1 + (at % c.groups.length);
  const ws = quote ? flag.map(quoteWord).map((w) => (w.startsWith("'") ? w : `'${w}'`)) : flag;
  return { text: [...c.groups.slice(0, pos), ws, ...c.groups.slice(pos)].flat().join(' '), flag: flag[0]! };
});

describe('/kubectl parser properties', () => {
  it('parses every generated read command, in every flag spelling, to the fields it names', () => {
    assertProperty(
      fc.property(readCommand, fc.boolean(), (c, prefix) => {
        const r = parseKubectl((prefix ? 'kubectl ' : '') + c.words.join(' '));
        if (!r.ok) throw new Error(`"${c.words.join(' ')}" was refused: ${r.error}`);
        expect(r.command).toMatchObject(c.expect);
      }),
    );
  });

  it('answers any input with a read verb or a refusal, and never throws', () => {
    const near = fc.array(fc.oneof(fc.constantFrom(...KUBECTL_VERBS, ...WRITE_VERBS, 'kubectl', '--', '-', '-n', '-A', '-o', 'secrets', 'pods', 'deploy/x', "'", '"', '\\'), fc.string({ maxLength: 12 })), { maxLength: 8 });
    assertProperty(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), near.map((ws) => ws.join(' '))), (input) => {
        const r = parseKubectl(input);
        if (r.ok) return (KUBECTL_VERBS as readonly string[]).includes(r.command.verb) && r.command.text.startsWith('kubectl ');
        return r.error.length > 0;
      }),
    );
  });

  it('refuses every verb that writes or reaches into the cluster, with any arguments', () => {
    const verb = fc.constantFrom(...WRITE_VERBS, ...REACHING_VERBS, ...OTHER_VERBS).chain(randomCase);
    const args = fc.array(fc.oneof(name, anyType, fc.constantFrom('-n', 'shop', '-A', '--all', '-f', '-', '--', 'deploy/x', 'pods')), { maxLength: 5 });
    assertProperty(
      fc.property(fc.boolean(), verb, args, (prefix, v, rest) => {
        const r = parseKubectl([...(prefix ? ['kubectl'] : []), v, ...rest].join(' '));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatch(new RegExp(`^(Refused: "kubectl ${v.toLowerCase()}"|Unknown verb "${v}")`));
      }),
    );
  });

  it('refuses a flag that swaps identity, server or output format, wherever it stands and however it is quoted', () => {
    assertProperty(
      fc.property(smuggle, ({ text, flag }) => {
        const r = parseKubectl(text);
        if (r.ok) throw new Error(`"${text}" passed with ${flag}`);
        // The refusal names the flag (or the output format): the person sees what was not allowed.
        const shown = flag.startsWith('--') ? flag.split('=')[0]! : flag.slice(0, 2);
        const output = /^(-o|--output)/.test(flag) && /(-o|--output)\b/.test(r.error);
        expect({ error: r.error, names: r.error.includes(shown) || output }).toEqual({ error: r.error, names: true });
      }),
    );
  });

  it('refuses Secrets in every spelling and place, ahead of any other problem', () => {
    const secretWord = fc.constantFrom('secret', 'secrets', 'sec', 'secrets.v1', 'secret.v1.', 'secrets.core').chain(randomCase);
    const text = fc.tuple(secretWord, name, anyType, fc.constantFrom(...SMUGGLED)).chain(([s, n, other, extra]) =>
      fc.constantFrom(
        `get ${s}`, `get ${s} ${n}`, `get ${s}/${n}`, `get ${other},${s}`, `get ${other}/${n} ${s}/${n}`, `describe ${s} ${n}`,
        `logs ${s}/${n}`, `events --for ${s}/${n}`, `top ${s}`, `get ${s} ${extra.join(' ')}`, `get '${s}' -n shop`,
      ),
    );
    assertProperty(fc.property(text, (t) => expect(parseKubectl(t)).toEqual({ ok: false, error: SECRETS_REFUSAL })));
  });
});

describe('/kubectl tokenizer properties', () => {
  /** Words without the substitution syntax, which is refused even inside quotes. */
  const shellWord = fc.string({ unit: fc.oneof(fc.constantFrom(...` \t'"\\;|&<>()*?~#!=,./:@%+-_{}[]`), fc.constantFrom(...'abcxyzABC0129'), fc.constantFrom('é', '日', '🔥', '\u00a0')), maxLength: 12 }).filter(
    (w) => !w.includes('$(') && !w.includes('${'),
  );

  it('gives back any words quoted for display (the timeline echo)', () => {
    assertProperty(fc.property(fc.array(shellWord, { maxLength: 6 }), (words) => expect(tokenize(words.map(quoteWord).join(' '))).toEqual({ ok: true, words })));
  });

  it('gives back any words in double quotes, with " and \\ escaped', () => {
    const dq = (w: string) => `"${w.replace(/["\\]/g, '\\$&')}"`;
    assertProperty(fc.property(fc.array(shellWord, { maxLength: 6 }), (words) => expect(tokenize(words.map(dq).join('  '))).toEqual({ ok: true, words })));
  });

  it('echoes a parsed command as text that parses to the same command', () => {
    const spaced = fc.tuple(readCommand, fc.array(fc.constantFrom(' ', '  ', '\t'), { minLength: 12, maxLength: 12 }));
    assertProperty(
      fc.property(spaced, ([c, gaps]) => {
        const first = parseKubectl(c.words.map((w, i) => gaps[i % gaps.length] + w).join(''));
        if (!first.ok) throw new Error(first.error);
        expect(parseKubectl(first.command.text)).toEqual(first);
      }),
    );
  });
});
