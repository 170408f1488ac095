// Discovery documents (/api, /api/v1, /apis, /apis/<group>/<version>, /version) so clients and
// kubectl-like code can resolve kinds, short names and scope the way they do against a real cluster.
import { groupVersion, RESOURCES, verbsOf } from './resources';

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): unknown {
  const groups = [...new Set(RESOURCES.filter((d) => d.group).map((d) => d.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const versions = [...new Set(RESOURCES.filter((d) => d.group === name).map((d) => d.version))].map((version) => ({
        groupVersion: `${name}/${version}`,
        version,
      }));
      return { name, versions, preferredVersion: versions[0] };
    }),
  };
}

/** The APIResourceList for a group/version, or undefined when it is not served. */
export function apiResourceList(group: string, version: string): unknown {
  const defs = RESOURCES.filter((d) => d.group === group && d.version === version);
  if (defs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const d of defs) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: verbsOf(d),
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.custom ? { categories: [d.group.split('.')[0]] } : {}),
    });
    if (d.statusSubresource) {
      resources.push({ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] });
    }
    if (d.kind === 'Pod') resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(defs[0]!), resources };
}

export function version(): unknown {
  return {
    major: '1',
    minor: '31',
    gitVersion: 'v1.31.0-sim',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-08-13T00:00:00Z',
    goVersion: 'go1.22.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
