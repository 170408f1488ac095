// GET pods/<name>/log: container choice, previous=true, tailLines and limitBytes, with the refusals
// the kubelet sends through the real API server (e.g. no previous terminated container -> 400).
import { queryFlag, queryInt } from './http';
import { RESOURCES } from './resources';
import { badRequest, notFound } from './status';
import type { Store } from './store';

const PODS = RESOURCES.find((d) => d.plural === 'pods')!;
const NEVER_STARTED: Record<string, string> = {
  ContainerCreating: 'ContainerCreating',
  PodInitializing: 'PodInitializing',
  ErrImagePull: 'trying and failing to pull image',
  ImagePullBackOff: 'trying and failing to pull image',
};

export function podLogs(store: Store, namespace: string, podName: string, url: URL): string {
  const pod = store.get(PODS, namespace, podName);
  if (!pod) throw notFound(PODS, podName);
  const names: string[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c: { name: string }) => c.name);
  let container = url.searchParams.get('container') ?? '';
  if (!container) {
    if ((pod.spec?.containers ?? []).length !== 1) {
      throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`);
    }
    container = pod.spec.containers[0].name as string;
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  const statuses: any[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container);
  const logs = store.getLogs(namespace, podName, container);
  let text: string;
  if (queryFlag(url, 'previous')) {
    if (logs.previous === undefined && !status?.lastState?.terminated) {
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    }
    text = logs.previous ?? '';
  } else {
    const waiting: string | undefined = status?.state?.waiting?.reason;
    if (logs.current === undefined && (!status || (waiting && NEVER_STARTED[waiting] && !status.lastState?.terminated))) {
      throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${NEVER_STARTED[waiting ?? ''] ?? 'ContainerCreating'}`);
    }
    text = logs.current ?? '';
  }
  const tail = queryInt(url, 'tailLines');
  if (tail !== undefined) {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const kept = tail === 0 ? [] : lines.slice(-tail);
    text = kept.length ? `${kept.join('\n')}\n` : '';
  }
  const limit = queryInt(url, 'limitBytes');
  if (limit !== undefined) {
    if (limit === 0) throw badRequest('limitBytes: Invalid value: 0: must be greater than 0');
    text = Buffer.from(text).subarray(0, limit).toString('utf8');
  }
  return text;
}
