// `kubectl describe pod`: containers with their state, last state, probes and resources, conditions
// and volumes. Secrets are never read: env values from secretKeyRef, secret volumes and envFrom
// secrets are shown as references only. Callers redact the text before it leaves.
import type { V1Container, V1ContainerState, V1ContainerStatus, V1Pod, V1Probe } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { conditionsBlock, isoTime, oneLine, podStatus, quantities, restartCount } from '../format';
import { header } from './header';

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
