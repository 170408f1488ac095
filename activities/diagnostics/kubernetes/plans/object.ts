// Diagnostics for any other object, custom resources included: found through API discovery, with
// its phase, failing conditions, failure messages and events.
import type { V1APIResource } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { Anomaly } from '../../../../workflows/definitions';
import { describeObject } from '../../../../kube/describe';
import { conditionText, oneLine } from '../../../../kube/format';
import { buildDigest, lastWarning } from '../digest';
import type { DiagnosticsRun } from '../run';

/** Finds a kind's resource (plural, scope) through discovery; scans groups when apiVersion is unknown. */
async function discover(run: DiagnosticsRun, kind: string, apiVersion: string | undefined): Promise<{ group: string; version: string; res: V1APIResource } | undefined> {
  const lookIn = async (gv: string) => {
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    if (!group) return undefined; // core kinds are not custom objects
    const list = await run.call(`discover ${gv}`, (o) => run.apis.custom.getAPIResources({ group, version }, o), { expect404: true });
    const res = list?.resources.find((x) => x.kind === kind && !x.name.includes('/'));
    return res ? { group, version, res } : undefined;
  };
  if (apiVersion) return lookIn(apiVersion);
  const groups = await run.call('list API groups', (o) => run.apis.apis.getAPIVersions({}, o));
  for (const g of (groups?.groups ?? []).slice(0, 40)) {
    const gv = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
    const found = gv ? await lookIn(gv) : undefined;
    if (found) return found;
  }
  return undefined;
}

export async function diagnoseObject(run: DiagnosticsRun, anomaly: Anomaly): Promise<string> {
  const r = anomaly.resource;
  const label = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
  const [found, events] = await Promise.all([discover(run, r.kind, r.apiVersion), run.events(r.kind, r.name, r.namespace)]);
  let obj: any;
  if (found) {
    const { group, version, res } = found;
    const p = { group, version, plural: res.name, name: r.name };
    obj = res.namespaced
      ? await run.call(`get ${res.name}.${group} ${r.namespace}/${r.name}`, (o) => run.apis.custom.getNamespacedCustomObject({ ...p, namespace: r.namespace ?? 'default' }, o), { expect404: true })
      : await run.call(`get ${res.name}.${group} ${r.name}`, (o) => run.apis.custom.getClusterCustomObject(p, o), { expect404: true });
  }
  if (obj) run.section(label, describeObject(obj));
  else run.section(label, found ? 'Not found (deleted?) or not readable (see problems).' : `The API server does not serve kind ${r.kind}${r.apiVersion ? ` in ${r.apiVersion}` : ''} as a custom resource, so only events are shown.`);
  run.eventsSection(`Events of ${label}`, events);

  const status = (obj?.status ?? {}) as Record<string, unknown>;
  const conds = Array.isArray(status.conditions) ? (status.conditions as any[]) : [];
  const bad = conds.filter((c) => (/^(Ready|Available|Succeeded|Complete|Healthy|Synced)$/.test(c.type) ? c.status !== 'True' : /^(Failed|Degraded|Error|Stalled)$/.test(c.type) && c.status === 'True'));
  const messages = ['failureReason', 'reason', 'message', 'error', 'lastError']
    .filter((k) => typeof status[k] === 'string' && status[k])
    .map((k) => `${k}: ${oneLine(String(status[k]), 200)}`);
  const lists = ['errors', 'validationErrors'].filter((k) => Array.isArray(status[k]) && (status[k] as unknown[]).length).map((k) => `${k}: ${oneLine((status[k] as unknown[]).join('; '), 200)}`);
  const warning = lastWarning(events);
  const head = obj ? `${label}${typeof status.phase === 'string' ? `: phase ${status.phase}` : ''}` : `${label} could not be read`;
  return buildDigest([
    [head, ...bad.map((c) => conditionText({ ...c, message: oneLine(c.message ?? '', 160) })), ...messages, ...lists].join('; '),
    warning && `Last warning: ${warning}`,
  ]);
}
