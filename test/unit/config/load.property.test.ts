// Property tests of the config loader (config/load.ts): generated valid configs (rosters, schedules,
// escalation ladders, routes, tokens, every platform and paging turned on) load from YAML with their
// values; a random mutation of a valid config (a value of the wrong type, a key removed, an unknown
// key added) either still loads or is refused with a ConfigError whose problems name the key path,
// never a stack trace; and a secret written into the file in place of { fromEnv | fromFile } is
// never repeated in the message.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, formatPath, parseConfig, parseConfigText } from '../../../config/load';
import { exampleRaw } from '../../helpers/config';
import { assertProperty } from '../../helpers/property';

type Raw = Record<string, any>;
type Path = (string | number)[];

/** The example with every platform, PagerDuty and Elasticsearch turned on, so their secrets are in it. */
const EXAMPLE = exampleRaw();
function fullRaw(): Raw {
  const raw = structuredClone(EXAMPLE);
  raw.platforms = {
    local: { enabled: true, url: 'http://127.0.0.1:8080' },
    slack: { enabled: true, mode: 'http', botToken: { fromEnv: 'SLACK_BOT_TOKEN' }, signingSecret: { fromEnv: 'SLACK_SIGNING_SECRET' } },
    discord: { enabled: true, applicationId: '1234567890123456789', publicKey: '0123456789abcdef'.repeat(4), botToken: { fromEnv: 'DISCORD_BOT_TOKEN' } },
    mattermost: { enabled: true, url: 'http://127.0.0.1:8065', botToken: { fromEnv: 'MM_BOT' }, commandTokens: [{ fromEnv: 'MM_CMD' }], actionSecret: { fromFile: '/run/secrets/mm' } },
    teams: {
      enabled: true, appId: '00000000-0000-0000-0000-000000000000', appPassword: { fromEnv: 'TEAMS_APP_PASSWORD' }, tenantId: '11111111-1111-1111-1111-111111111111',
      channels: { ops: { conversationId: '19:abc@thread.tacv2', serviceUrl: 'http://127.0.0.1:3978/', teamId: '5f2b1c3d-8e4a-4b6c-9d7e-1a2b3c4d5e6f' } },
    },
  };
  raw.paging = { pagerduty: { enabled: true, routingKey: { fromEnv: 'PD_KEY' }, people: { carol: { fromEnv: 'PD_CAROL' } } } };
  raw.elasticsearch = { node: 'http://127.0.0.1:9200', auth: { apiKey: { fromEnv: 'ES_KEY' } } };
  return raw;
}

// ---- valid configs --------------------------------------------------------------------------------
const personId = fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/);
const durationText = fc.tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom(['s', 1_000], ['m', 60_000], ['h', 3_600_000])).map(([n, [u, ms]]) => ({ text: `${n}${u}`, ms: n * ms }));
const zone = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe');

/** What varies between generated configs (a counterexample shows these, not the whole tree). */
const shape = fc
  .uniqueArray(personId, { minLength: 1, maxLength: 5 })
  .chain((ids) =>
    fc.record({
      ids: fc.constant(ids),
      zone,
      participants: fc.shuffledSubarray(ids, { minLength: 1 }),
      rotation: fc.constantFrom('daily', 'weekly'),
      levels: fc.array(fc.record({ person: fc.constantFrom(...ids), delay: durationText, schedule: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      repeat: fc.integer({ min: 0, max: 10 }),
      critical: fc.boolean(),
      debounce: durationText,
    }),
  );
type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;

function build(g: Shape): Raw {
  const raw = fullRaw();
  raw.people = g.ids.map((id, i) => ({ id, name: `Person ${i}`, roles: i === 0 ? ['responder', 'admin'] : ['responder'], chat: { local: id } }));
  raw.api.tokens = [{ name: 'dev', token: { fromEnv: 'INCIDENT_API_TOKEN' }, person: g.ids[0] }];
  raw.paging.pagerduty.people = { [g.ids[0]!]: { fromEnv: 'PD_FIRST' } };
  raw.schedules = [{ id: 'primary', timezone: g.zone, layers: [{ rotation: g.rotation, start: '2026-01-05', participants: g.participants }] }];
  raw.escalationPolicies = [{ id: 'default', levels: g.levels.map((l) => ({ targets: [l.schedule ? { schedule: 'primary' } : { person: l.person }], delay: l.delay.text })), repeat: g.repeat }];
  raw.routing.rules = g.critical ? [{ name: 'critical', match: { severity: ['critical'] }, channels: [{ platform: 'slack', channel: 'C0123ABCD' }], policy: 'default' }] : [];
  raw.alertUpdateDebounce = g.debounce.text;
  return raw;
}

// ---- mutations ------------------------------------------------------------------------------------
/** Every path in the tree (objects and arrays included), with its value. */
function paths(v: unknown, at: Path = []): { path: Path; value: unknown }[] {
  const out = at.length ? [{ path: at, value: v }] : [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}
const isSecretRef = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && ('fromEnv' in v || 'fromFile' in v);

function setAt(raw: Raw, path: Path, f: (parent: any, key: string | number) => void): Raw {
  const copy = structuredClone(raw);
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  f(parent, path[path.length - 1]!);
  return copy;
}

const wrongValue = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e21, '', ' ', [], {}, [1, 'x'], { x: 1 }, 'yes', '5 minutes', 'http://'),
  fc.string({ maxLength: 12 }),
  fc.integer(),
);
type Mutation = { op: 'replace'; value: unknown } | { op: 'delete' } | { op: 'unknown key'; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), value: wrongValue }),
  fc.constant({ op: 'delete' as const }),
  fc.record({ op: fc.constant('unknown key' as const), key: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,12}$/) }),
);

/** The mutated copy; an unknown key goes into the object at `path` (a no-op on anything else). */
function mutate(raw: Raw, path: Path, m: Mutation): Raw {
  if (m.op === 'replace') return setAt(raw, path, (p, k) => (p[k] = m.value));
  if (m.op === 'delete') return setAt(raw, path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]));
  return setAt(raw, path, (p, k) => {
    const target = p[k];
    if (target && typeof target === 'object' && !Array.isArray(target) && !isSecretRef(target)) target[`${m.key}Typo`] = 1;
    else p[k] = target;
  });
}

/** The problems of a refused config; [] when it loads; anything but a ConfigError fails the property. */
function problemsOf(raw: Raw): string[] {
  try {
    parseConfig(raw, 'generated.yaml');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw new Error(`the loader threw ${String(err)} instead of a ConfigError (a person would see a stack trace)`);
  }
}

/**
 * A problem names the path when it is about the mutated key, one of its parents (two up at most), or
 * a key inside them: at the start of the line (where it is), or in its text (what to set instead).
 */
function namesPath(problems: string[], path: Path): boolean {
  const candidates = [path, path.slice(0, -1), path.slice(0, -2)].filter((p) => p.length > 0).map(formatPath);
  const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return problems.some((line) => candidates.some((c) => new RegExp(`(^|[\\s"\`(])${escape(c)}([.:[\\s"\`)]|$)`).test(line)));
}

/** Ids and names in a subtree: removing or replacing it leaves references to them dangling. */
function idsIn(v: unknown): string[] {
  return paths(v).flatMap(({ path, value }) => (typeof value === 'string' && ['id', 'name'].includes(String(path[path.length - 1])) ? [value] : []));
}

/** A dangling reference is named where it is used, with the id that is gone: that is a clear error too. */
const namesDanglingRef = (problems: string[], removed: string[]) =>
  problems.some((line) => /: unknown (person|schedule|escalation policy|cluster) "/.test(line) && removed.some((id) => line.includes(`"${id}"`)));

describe('config loader properties', () => {
  it('loads every generated valid config from its YAML, with the values it was given', () => {
    assertProperty(
      fc.property(shape, (g) => {
        const cfg = parseConfigText(stringify(build(g)), 'generated.yaml');
        expect(cfg.people.map((p) => p.id)).toEqual(g.ids);
        expect(cfg.escalationPolicies[0]!.levels.map((l) => l.delay)).toEqual(g.levels.map((l) => l.delay.ms));
        expect(cfg.escalationPolicies[0]!.repeat).toBe(g.repeat);
        expect(cfg.alertUpdateDebounce).toBe(g.debounce.ms);
      }),
      { runs: 25 },
    );
  });

  it('refuses a mutated config with problems that name the key path, or loads it; never anything else', () => {
    const cases = shape.chain((g) => fc.tuple(fc.constant(g), fc.constantFrom(...paths(build(g)).map((p) => p.path)), mutation));
    assertProperty(
      fc.property(cases, ([g, path, m]) => {
        const raw = build(g);
        const problems = problemsOf(mutate(raw, path, m));
        if (problems.length === 0 || namesPath(problems, path)) return;
        const removed = m.op === 'unknown key' ? [] : idsIn({ [path[path.length - 1]!]: path.reduce((v: any, k) => v[k], raw) });
        if (namesDanglingRef(problems, removed)) return;
        throw new Error(`${m.op} at ${formatPath(path)}: no problem names it:\n  ${problems.join('\n  ')}`);
      }),
      { runs: 150 },
    );
  });

  it('never repeats a secret written into the file where { fromEnv } or { fromFile } belongs', () => {
    const secret = fc.stringMatching(/^(xoxb-|xapp-|sk_live_|ghp_|)[A-Za-z0-9]{20,32}$/);
    const misuse = fc.constantFrom(
      (s: string) => s,
      (s: string) => ({ value: s }),
      (s: string) => ({ fromEnv: 'SLACK_BOT_TOKEN', token: s }),
      (s: string) => ({ fromEnv: 'SLACK_BOT_TOKEN', fromFile: s }),
      (s: string) => [s],
    );
    const cases = shape.chain((g) => fc.tuple(fc.constant(g), fc.constantFrom(...paths(build(g)).filter((p) => isSecretRef(p.value)).map((p) => p.path)), secret, misuse));
    assertProperty(
      fc.property(cases, ([g, path, s, wrong]) => {
        const raw = build(g);
        let error: unknown;
        try {
          parseConfig(setAt(raw, path, (p, k) => (p[k] = wrong(s))), 'leaky.yaml');
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const e = error as ConfigError;
        expect(e.message).not.toContain(s);
        expect(namesPath(e.problems, path)).toBe(true);
      }),
      { runs: 60 },
    );
  });
});
