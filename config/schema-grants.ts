// Cross-checks for scoped roles (people[].grants, api.tokens[].grants): a grant naming a cluster
// that is not configured would silently never match, so it is an error (when clusters are listed).
type Problem = { path: (string | number)[]; message: string };

const obj = (v: unknown): Record<string, any> => (v && typeof v === 'object' ? (v as Record<string, any>) : {});
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

export function grantProblems(cfg: Record<string, any>, clusterNames: Set<string>): Problem[] {
  const out: Problem[] = [];
  const known = [...clusterNames].map((c) => `"${c}"`).join(', ');
  const check = (grants: unknown, path: (string | number)[]) =>
    arr(grants).forEach((g, gi) =>
      arr(obj(g).clusters).forEach((c, ci) => {
        if (clusterNames.size && typeof c === 'string' && !clusterNames.has(c))
          out.push({ path: [...path, gi, 'clusters', ci], message: `unknown cluster "${c}"; clusters are ${known}` });
      }),
    );
  arr(cfg.people).forEach((p, i) => check(obj(p).grants, ['people', i, 'grants']));
  arr(obj(cfg.api).tokens).forEach((t, i) => {
    check(obj(t).grants, ['api', 'tokens', i, 'grants']);
    if (obj(t).grants !== undefined && obj(t).person === undefined)
      out.push({ path: ['api', 'tokens', i, 'grants'], message: 'grants narrow a token bound to a person; add api.tokens[].person (service tokens never act on incidents)' });
  });
  return out;
}
