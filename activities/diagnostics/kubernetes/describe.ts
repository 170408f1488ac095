// `kubectl describe`-like text for the objects an incident is about. Shared by the diagnostics
// report and /kubectl describe. Secrets are never read: env values from secretKeyRef, secret volumes
// and envFrom secrets are shown as references only. Callers redact the text before it leaves.
import type {
  CoreV1Event, V1Container, V1ContainerStatus, V1DaemonSet, V1Deployment, V1Job, V1Node, V1PersistentVolumeClaim, V1Pod, V1Probe,
  V1ReplicaSet, V1StatefulSet, V1StorageClass, V1ContainerState, V1Service,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { age, conditionsBlock, fields, isoTime, labelsText, oneLine, podStatus, quantities, restartCount, selectorString, table, toMs, type Time } from './format';

type Meta = { name?: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: Time; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };

function header(meta: Meta | undefined, extra: [string, string | number | undefined][] = []): string {
  const owner = meta?.ownerReferences?.find((o) => o.controller) ?? meta?.ownerReferences?.[0];
  return fields([
    ['Name', meta?.name],
    ['Namespace', meta?.namespace],
    ['Labels', labelsText(meta?.labels)],
    ['Created', meta?.creationTimestamp ? `${isoTime(meta.creationTimestamp)} (${age(meta.creationTimestamp)} ago)` : undefined],
    ['Controlled By', owner ? `${owner.kind}/${owner.name}` : undefined],
    ...extra,
  ]);
}

function stateText(label: string, s: V1ContainerState | undefined, indent: string): string[] {
  if (!s) return [];
  if (s.running) return [`${indent}${label}:  Running (since ${isoTime(s.running.startedAt)})`];
  if (s.waiting) return [`${indent}${label}:  Waiting`, ...(s.waiting.reason ? [`${indent}  Reason:   ${s.waiting.reason}`] : []), ...(s.waiting.message ? [`${indent}  Message:  ${oneLine(s.waiting.message, 300)}`] : [])];
  if (s.terminated) {
    const t = s.terminated;
    return [
      `${indent}${label}:  Terminated`,
      `${indent}  Reason:     ${t.reason ?? '<none>'}`,
      `${indent}  Exit Code:  ${t.exitCode}${t.signal ? ` (signal ${t.signal})` : ''}`,
      ...(t.message ? [`${indent}  Message:    ${oneLine(t.message, 300)}`] : []),
      `${indent}  Started:    ${isoTime(t.startedAt)}`,
      `${indent}  Finished:   ${isoTime(t.finishedAt)}`,
    ];
  }
  return [];
}

function probeText(p: V1Probe | undefined): string | undefined {
  if (!p) return undefined;
  const how = p.httpGet
    ? `http-get ${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://:${String(p.httpGet.port)}${p.httpGet.path ?? ''}`
    : p.tcpSocket
      ? `tcp-socket :${String(p.tcpSocket.port)}`
      : p.exec
        ? `exec [${(p.exec.command ?? []).join(' ')}]`
        : p.grpc
          ? `grpc :${p.grpc.port}`
          : 'unknown';
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

/** Environment as references: values from Secrets are never fetched, only named. */
function envLines(c: V1Container, indent: string): string[] {
  const out: string[] = [];
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    const value = from?.secretKeyRef
      ? `<from secret ${from.secretKeyRef.name}/${from.secretKeyRef.key}>`
      : from?.configMapKeyRef
        ? `<from configmap ${from.configMapKeyRef.name}/${from.configMapKeyRef.key}>`
        : from?.fieldRef
          ? `<from field ${from.fieldRef.fieldPath}>`
          : from?.resourceFieldRef
            ? `<from resource ${from.resourceFieldRef.resource}>`
            : oneLine(e.value ?? '', 200);
    out.push(`${indent}${e.name}:  ${value}`);
  }
  for (const f of c.envFrom ?? []) {
    if (f.secretRef) out.push(`${indent}<all keys from secret ${f.secretRef.name}>`);
    if (f.configMapRef) out.push(`${indent}<all keys from configmap ${f.configMapRef.name}>`);
  }
  return out;
}

function containerBlock(c: V1Container, s: V1ContainerStatus | undefined): string {
  const i = '    ';
  const lines = [`  ${c.name}:`, `${i}Image:          ${c.image ?? '<none>'}`];
  if (c.command?.length) lines.push(`${i}Command:        ${oneLine(c.command.join(' '), 200)}`);
  if (c.args?.length) lines.push(`${i}Args:           ${oneLine(c.args.join(' '), 200)}`);
  lines.push(...stateText('State', s?.state, i));
  if (s?.lastState && (s.lastState.terminated || s.lastState.waiting || s.lastState.running)) lines.push(...stateText('Last State', s.lastState, i));
  if (s) lines.push(`${i}Ready:          ${s.ready ? 'True' : 'False'}`, `${i}Restart Count:  ${s.restartCount ?? 0}`);
  const limits = quantities(c.resources?.limits);
  const requests = quantities(c.resources?.requests);
  if (limits) lines.push(`${i}Limits:         ${limits}`);
  if (requests) lines.push(`${i}Requests:       ${requests}`);
  for (const [name, p] of [['Liveness', c.livenessProbe], ['Readiness', c.readinessProbe], ['Startup', c.startupProbe]] as const) {
    const t = probeText(p);
    if (t) lines.push(`${i}${name}:${' '.repeat(15 - name.length)}${t}`);
  }
  const env = envLines(c, `${i}  `);
  if (env.length) lines.push(`${i}Environment:`, ...env);
  return lines.join('\n');
}

export function describePod(pod: V1Pod): string {
  const st = pod.status ?? {};
  const statusOf = (name: string, list?: V1ContainerStatus[]) => list?.find((s) => s.name === name);
  const parts = [
    header(pod.metadata, [
      ['Node', pod.spec?.nodeName ?? '<none>'],
      ['Status', `${st.phase ?? 'Unknown'}${podStatus(pod) !== st.phase ? ` (${podStatus(pod)})` : ''}`],
      ['Reason', st.reason],
      ['Message', st.message ? oneLine(st.message, 300) : undefined],
      ['IP', st.podIP],
      ['QoS Class', st.qosClass],
      ['Restarts', restartCount(pod)],
    ]),
  ];
  if (pod.spec?.initContainers?.length)
    parts.push('Init Containers:', ...pod.spec.initContainers.map((c) => containerBlock(c, statusOf(c.name, st.initContainerStatuses))));
  parts.push('Containers:', ...(pod.spec?.containers ?? []).map((c) => containerBlock(c, statusOf(c.name, st.containerStatuses))));
  parts.push('Conditions:', conditionsBlock(st.conditions));
  const volumes = (pod.spec?.volumes ?? []).map((v) => {
    const what = v.persistentVolumeClaim
      ? `PersistentVolumeClaim ${v.persistentVolumeClaim.claimName}`
      : v.secret
        ? `Secret ${v.secret.secretName ?? ''} (contents not shown)`
        : v.configMap
          ? `ConfigMap ${v.configMap.name ?? ''}`
          : v.emptyDir
            ? 'EmptyDir'
            : v.hostPath
              ? `HostPath ${v.hostPath.path}`
              : v.projected
                ? 'Projected'
                : 'other';
    return `  ${v.name}:  ${what}`;
  });
  if (volumes.length) parts.push('Volumes:', ...volumes);
  return parts.join('\n');
}

type Workload = V1Deployment | V1StatefulSet | V1DaemonSet | V1ReplicaSet;

/** Rollout state of a workload: desired, updated, ready, available, conditions. */
export function rolloutSummary(kind: string, w: Workload): { line: string; healthy: boolean } {
  const s = (w.status ?? {}) as Record<string, any>;
  if (kind === 'DaemonSet') {
    const desired = s.desiredNumberScheduled ?? 0;
    const line = `${desired} desired, ${s.updatedNumberScheduled ?? 0} updated, ${s.numberReady ?? 0} ready, ${s.numberAvailable ?? 0} available`;
    return { line, healthy: (s.numberAvailable ?? 0) >= desired };
  }
  const desired = (w.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const updated = s.updatedReplicas ?? (kind === 'StatefulSet' ? s.currentReplicas : undefined) ?? 0;
  const available = s.availableReplicas ?? 0;
  const line = `${desired} desired, ${updated} updated, ${s.readyReplicas ?? 0} ready, ${available} available${s.unavailableReplicas ? `, ${s.unavailableReplicas} unavailable` : ''}`;
  return { line, healthy: available >= desired && updated >= desired };
}

export function describeWorkload(kind: string, w: Workload): string {
  const spec = (w.spec ?? {}) as Record<string, any>;
  const containers: V1Container[] = spec.template?.spec?.containers ?? [];
  const revision = w.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  return [
    header(w.metadata, [
      ['Kind', kind],
      ['Selector', selectorString(spec.selector) ?? '<none>'],
      ['Replicas', rolloutSummary(kind, w).line],
      ['Strategy', spec.strategy?.type ?? spec.updateStrategy?.type],
      ['Revision', revision],
      ['Observed Generation', `${(w.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? '?'} of ${w.metadata?.generation ?? '?'}`],
    ]),
    'Containers:',
    ...containers.map((c) => `  ${c.name}:  ${c.image ?? '<none>'}`),
    'Conditions:',
    conditionsBlock((w.status as { conditions?: any[] } | undefined)?.conditions),
  ].join('\n');
}

export function describeNode(node: V1Node): string {
  const st = node.status ?? {};
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  const info = st.nodeInfo;
  return [
    header(node.metadata, [
      ['Roles', roles.join(',') || '<none>'],
      ['Unschedulable', node.spec?.unschedulable ? 'true' : 'false'],
      ['Taints', (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '<none>'],
      ['Addresses', (st.addresses ?? []).map((a) => `${a.type}=${a.address}`).join(', ')],
      ['Capacity', quantities(st.capacity)],
      ['Allocatable', quantities(st.allocatable)],
      ['Kubelet', info?.kubeletVersion],
      ['OS Image', info?.osImage],
      ['Container Runtime', info?.containerRuntimeVersion],
    ]),
    'Conditions:',
    conditionsBlock(st.conditions),
  ].join('\n');
}

/** Pressure conditions that are True, and Ready when it is not True. */
export function nodeProblems(node: V1Node): string[] {
  const out: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    if (c.type === 'Ready' && c.status !== 'True') out.push(`Ready=${c.status}${c.reason ? ` (${c.reason})` : ''}`);
    else if (c.type !== 'Ready' && c.status === 'True') out.push(c.type);
  }
  if (node.spec?.unschedulable) out.push('cordoned');
  return out;
}

export function describePvc(pvc: V1PersistentVolumeClaim): string {
  return [
    header(pvc.metadata, [
      ['StorageClass', pvc.spec?.storageClassName ?? '<default>'],
      ['Status', pvc.status?.phase],
      ['Volume', pvc.spec?.volumeName || '<none>'],
      ['Requested', quantities(pvc.spec?.resources?.requests)],
      ['Capacity', quantities(pvc.status?.capacity) ?? '<none>'],
      ['Access Modes', (pvc.spec?.accessModes ?? []).join(',')],
      ['VolumeMode', pvc.spec?.volumeMode],
    ]),
    'Conditions:',
    conditionsBlock(pvc.status?.conditions as any),
  ].join('\n');
}

export function describeStorageClass(sc: V1StorageClass): string {
  return fields([
    ['Name', sc.metadata?.name],
    ['Provisioner', sc.provisioner],
    ['ReclaimPolicy', sc.reclaimPolicy ?? 'Delete'],
    ['VolumeBindingMode', sc.volumeBindingMode ?? 'Immediate'],
    ['AllowVolumeExpansion', sc.allowVolumeExpansion === undefined ? '<unset>' : String(sc.allowVolumeExpansion)],
    ['IsDefaultClass', sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? 'Yes' : 'No'],
  ]);
}

export function describeJob(job: V1Job): string {
  const s = job.status ?? {};
  return [
    header(job.metadata, [
      ['Selector', selectorString(job.spec?.selector) ?? '<none>'],
      ['Parallelism', job.spec?.parallelism ?? 1],
      ['Completions', job.spec?.completions ?? '<unset>'],
      ['Backoff Limit', job.spec?.backoffLimit ?? 6],
      ['Start Time', s.startTime ? isoTime(s.startTime) : undefined],
      ['Completed At', s.completionTime ? isoTime(s.completionTime) : undefined],
      ['Pods Statuses', `${s.active ?? 0} Active / ${s.succeeded ?? 0} Succeeded / ${s.failed ?? 0} Failed`],
    ]),
    'Conditions:',
    conditionsBlock(s.conditions),
  ].join('\n');
}

export function describeService(svc: V1Service): string {
  return header(svc.metadata, [
    ['Type', svc.spec?.type],
    ['Selector', labelsText(svc.spec?.selector)],
    ['ClusterIP', svc.spec?.clusterIP],
    ['Ports', (svc.spec?.ports ?? []).map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol ?? 'TCP'} -> ${String(p.targetPort ?? p.port)}`).join(', ')],
  ]);
}

const SCALAR = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);

/** Any object (custom resources included): metadata, scalar spec fields, phase, conditions, messages. */
export function describeObject(obj: { apiVersion?: string; kind?: string; metadata?: Meta; spec?: unknown; status?: unknown }): string {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const status = (obj.status ?? {}) as Record<string, unknown>;
  const scalars = (o: Record<string, unknown>, skip: string[] = []) =>
    Object.entries(o).filter(([k, v]) => SCALAR(v) && !skip.includes(k)).slice(0, 15).map(([k, v]) => `  ${k}: ${oneLine(String(v), 300)}`);
  const lists = Object.entries(status)
    .filter(([k, v]) => Array.isArray(v) && k !== 'conditions' && (v as unknown[]).every(SCALAR))
    .map(([k, v]) => `  ${k}: ${oneLine((v as unknown[]).join('; '), 400)}`);
  const parts = [header(obj.metadata, [['Kind', obj.kind], ['API Version', obj.apiVersion]])];
  const specLines = scalars(spec);
  if (specLines.length) parts.push('Spec:', ...specLines);
  const statusLines = [...scalars(status), ...lists];
  if (statusLines.length) parts.push('Status:', ...statusLines);
  if (Array.isArray(status.conditions)) parts.push('Conditions:', conditionsBlock(status.conditions as any));
  return parts.join('\n');
}

export function eventTime(e: CoreV1Event): number {
  return toMs(e.lastTimestamp) ?? toMs(e.eventTime as Time) ?? toMs(e.firstTimestamp) ?? toMs(e.metadata?.creationTimestamp) ?? 0;
}

/** Newest last, like kubectl. */
export function sortEvents(events: CoreV1Event[]): CoreV1Event[] {
  return [...events].sort((a, b) => eventTime(a) - eventTime(b));
}

/** The Events block of describe output. */
export function eventsBlock(events: CoreV1Event[], now = Date.now()): string {
  if (!events.length) return '  <none>';
  return table(
    ['Type', 'Reason', 'Age', 'From', 'Message'],
    sortEvents(events).map((e) => [
      e.type ?? '',
      e.reason ?? '',
      `${age(new Date(eventTime(e)), now)}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`,
      e.source?.component ?? e.reportingComponent ?? '',
      oneLine(e.message ?? '', 240),
    ]),
    '  ',
  );
}
