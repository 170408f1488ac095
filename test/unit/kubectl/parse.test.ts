import { parseKubectl, type KubectlCommand } from '../../../api/kubectl/parse';
import { tokenize } from '../../../api/kubectl/tokenize';
import { parseCommand } from '../../../api/commands/parse';

function ok(input: string): KubectlCommand {
  const r = parseKubectl(input);
  if (!r.ok) throw new Error(`expected "${input}" to parse, got: ${r.error}`);
  return r.command;
}
function refused(input: string): string {
  const r = parseKubectl(input);
  if (r.ok) throw new Error(`expected "${input}" to be refused`);
  return r.error;
}
const targets = (c: KubectlCommand) => c.targets.map((t) => `${t.type.name}:${t.names.join(',')}`);

describe('the /kubectl tokenizer', () => {
  it('splits on whitespace and honours single quotes, double quotes and backslashes', () => {
    expect(tokenize(`get pods -l 'app in (a,b)' --field-selector "status.phase!=Running" a\\ b`)).toEqual({
      ok: true,
      words: ['get', 'pods', '-l', 'app in (a,b)', '--field-selector', 'status.phase!=Running', 'a b'],
    });
    expect(tokenize(`logs "say \\"hi\\"" ''`)).toEqual({ ok: true, words: ['logs', 'say "hi"', ''] });
  });

  it.each([
    ['get pods; rm -rf /', 'command chaining ";"'],
    ['get pods && reboot', 'command chaining "&&"'],
    ['get pods || true', 'command chaining "||"'],
    ['get pods | grep x', 'a pipe "|"'],
    ['get pods > /tmp/out', 'output redirection ">"'],
    ['get pods < in', 'input redirection "<"'],
    ['get pods &', 'background or chaining "&"'],
    ['get pods\nrm -rf /', 'a line break'],
    ['logs "$(cat /etc/passwd)"', 'command substitution "$("'],
    ["logs '`id`'", 'command substitution with backticks'],
    ['logs ${HOME}', 'variable expansion "${"'],
  ])('refuses shell syntax in %j', (input, what) => {
    const r = tokenize(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(`Refused: ${what}`);
  });

  it('keeps shell characters that are quoted and harmless', () => {
    expect(tokenize(`get pods -l 'a;b'`)).toEqual({ ok: true, words: ['get', 'pods', '-l', 'a;b'] });
  });

  it('says when a quote is never closed', () => {
    expect(tokenize(`get pods -l "app=x`)).toEqual({ ok: false, error: 'Refused: the double quote opened in the command is never closed.' });
  });
});

describe('the /kubectl parser', () => {
  it('accepts kubectl resource names, short names and the type/name form', () => {
    expect(targets(ok('get po'))).toEqual(['pods:']);
    expect(targets(ok('get deploy checkout web'))).toEqual(['deployments:checkout,web']);
    expect(targets(ok('get deployments.apps/checkout pod/x'))).toEqual(['deployments:checkout', 'pods:x']);
    expect(targets(ok('get pvc,sc'))).toEqual(['persistentvolumeclaims:', 'storageclasses:']);
    expect(targets(ok('describe no node-1'))).toEqual(['nodes:node-1']);
    expect(ok('kubectl get svc').verb).toBe('get');
  });

  it('reads the flags people type, in every kubectl spelling', () => {
    expect(ok('get pods -n shop -l app=checkout --field-selector=status.phase!=Running -o wide')).toMatchObject({
      namespace: 'shop', selector: 'app=checkout', fieldSelector: 'status.phase!=Running', wide: true, allNamespaces: false,
    });
    expect(ok('get pods -nshop').namespace).toBe('shop');
    expect(ok('get pods -n=shop').namespace).toBe('shop');
    expect(ok('get pods --namespace shop').namespace).toBe('shop');
    expect(ok('get pods -A').allNamespaces).toBe(true);
    expect(ok('get pods -owide').wide).toBe(true);
    expect(ok('logs checkout-abc -c app -p --tail 20 --since 10m -n shop')).toMatchObject({ container: 'app', previous: true, tail: 20, sinceSeconds: 600 });
    expect(ok('logs checkout-abc app').container).toBe('app');
    expect(ok('logs checkout-abc').tail).toBe(50);
    expect(ok('logs checkout-abc --tail=-1').tail).toBe(500);
    expect(ok('logs -l app=checkout --previous=true').previous).toBe(true);
    expect(ok('events --for deploy/checkout --types Warning')).toMatchObject({ forObject: { name: 'checkout' }, eventTypes: ['Warning'] });
    expect(ok('top pods --cluster prod').cluster).toBe('prod');
  });

  it('echoes the command for the timeline with quoting where needed', () => {
    expect(ok(`get pods -l 'app in (a,b)'`).text).toBe(`kubectl get pods -l 'app in (a,b)'`);
  });

  it.each(['delete pod x', 'apply -f x.yaml', 'edit deploy/x', 'scale deploy/x --replicas=0', 'rollout restart deploy/x', 'drain node-1', 'patch pod x'])(
    'refuses %j because it changes the cluster',
    (input) => expect(refused(input)).toMatch(/^Refused: "kubectl \S+" changes the cluster\. \/kubectl from chat is read-only; it allows get, describe, logs, events, top\./),
  );

  it.each(['exec -it pod -- sh', 'port-forward svc/x 80', 'cp pod:/etc/passwd .', 'proxy', 'auth can-i --list'])('refuses %j, which reaches into the cluster', (input) =>
    expect(refused(input)).toMatch(/^Refused: "kubectl \S+" is not available from chat/),
  );

  it.each([
    'get secrets', 'get secret', 'get sec', 'get Secrets', 'get SECRET x', 'get secrets.v1', 'get secret.v1.', 'get secret/db-creds', 'describe secrets db', 'describe secret/db',
    'get pods,secrets', 'get pod/x secret/y', 'events --for secret/db', 'logs secret/db', 'get secrets -o yaml', 'get secrets --watch',
  ])('always refuses Secrets: %j', (input) => expect(refused(input)).toMatch(/^Refused: Secrets are never shown from chat/));

  it('refuses unknown flags and names them', () => {
    expect(refused('get pods --watch')).toMatch(/^Unknown flag --watch\. \/kubectl get accepts -n\/--namespace, -A\/--all-namespaces, -l\/--selector, --field-selector, -o\/--output, --cluster\./);
    expect(refused('get pods -w')).toMatch(/^Unknown flag -w\./);
    expect(refused('get pods -Aw')).toMatch(/^Unknown flag -w \(in "-Aw"\)\./);
    expect(refused('get pods --as=system:admin')).toMatch(/^Unknown flag --as\./);
    expect(refused('get pods --token abc')).toMatch(/^Unknown flag --token\./);
  });

  it('refuses flags of another verb, with what the verb accepts', () => {
    expect(refused('get pods --tail 5')).toMatch(/^The flag --tail does not apply to \/kubectl get; it accepts -n\/--namespace/);
    expect(refused('describe pods -o wide')).toMatch(/^The flag -o does not apply to \/kubectl describe/);
  });

  it('refuses output formats that would dump whole objects', () => {
    expect(refused('get deploy x -o yaml')).toMatch(/^Refused: -o yaml is not available from chat\. Whole objects can carry credentials/);
    expect(refused('get deploy x -o jsonpath={.spec}')).toMatch(/^Refused: -o jsonpath=\{\.spec\} is not available/);
    expect(refused('get deploy x -o table')).toMatch(/^Unknown output format "table"; \/kubectl get supports -o wide\./);
  });

  it('explains bad values and combinations', () => {
    expect(refused('get pods -n')).toMatch(/^The flag -n needs a value\./);
    expect(refused('get pods -n Shop_1')).toMatch(/^"Shop_1" is not a namespace name/);
    expect(refused('get pods -n shop -A')).toMatch(/^Give either -n\/--namespace or -A\/--all-namespaces, not both\./);
    expect(refused('get pods -n a -n b')).toMatch(/^The flag -n is given twice\./);
    expect(refused('logs x --tail many')).toMatch(/^--tail takes a whole number of lines/);
    expect(refused('logs x --since soon')).toMatch(/^--since takes a duration like 10m/);
  });

  it('refuses numbers out of range instead of sending the apiserver a float', () => {
    expect(refused('logs x --since 99999999999999999999h')).toMatch(/^--since is at most 30d \(2592000s\), not "99999999999999999999h"\./);
    expect(refused('logs x --since 31d')).toMatch(/^--since is at most 30d/);
    expect(ok('logs x --since 30d').sinceSeconds).toBe(2_592_000);
    expect(refused('logs x --tail 1000000000000000000000')).toMatch(/^--tail takes a whole number of lines from 0 to 500 \(or -1 for the last 500\), not "1000000000000000000000"\./);
    expect(refused('logs x --tail 501')).toMatch(/^--tail takes a whole number of lines from 0 to 500/);
    expect(refused('logs x --tail 1.5')).toMatch(/^--tail takes a whole number/);
    expect(refused('logs x --tail -2')).toMatch(/^--tail takes a whole number/);
    expect(ok('logs x --tail 500').tail).toBe(500);
    expect(ok('logs x --tail 0').tail).toBe(0);
    expect(refused('logs')).toMatch(/^Which pod\?/);
    expect(refused('logs svc/x')).toMatch(/^Logs come from pods or their workloads/);
    expect(refused('get')).toMatch(/^Which resource type\?/);
    expect(refused('get widgets')).toMatch(/^Unknown resource type "widgets"/);
    expect(refused('get all')).toMatch(/^"all" is not supported/);
    expect(refused('get pods Bad_Name')).toMatch(/^"Bad_Name" is not a valid object name/);
    expect(refused('get pods x -l app=y')).toMatch(/^Give either names or -l <selector>, not both\./);
    expect(refused('get pods x -A')).toMatch(/^Names need one namespace/);
    expect(refused('top deploy')).toMatch(/^\/kubectl top shows pods or nodes/);
    expect(refused('describe pods,svc')).toMatch(/^\/kubectl describe takes one resource type at a time\./);
    expect(refused('events x')).toMatch(/^\/kubectl events takes no names/);
    expect(refused('frobnicate')).toMatch(/^Unknown verb "frobnicate"\. \/kubectl allows get, describe, logs, events, top\./);
  });

  it('answers help with the usage of every verb', () => {
    const r = parseKubectl('help');
    expect(r).toMatchObject({ ok: false, help: true });
    if (!r.ok) for (const verb of ['get', 'describe', 'logs', 'events', 'top']) expect(r.error).toContain(`/kubectl ${verb}`);
    expect(parseKubectl('')).toMatchObject({ ok: false, help: true });
  });

  it('is reached from the chat command language', () => {
    expect(parseCommand('/kubectl get pods -n shop')).toEqual({ ok: true, command: { kind: 'kubectl', args: 'get pods -n shop' } });
  });
});
