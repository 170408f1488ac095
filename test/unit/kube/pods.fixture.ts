// Pods as the typed client returns them, shared by the kube/ and diagnostics unit tests.
import type { V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export function pod(name: string, status: V1Pod['status'], spec: Partial<V1Pod['spec']> = {}): V1Pod {
  return { metadata: { name, namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'shop/app:1' }], ...spec }, status } as V1Pod;
}
export const crashing = (name: string) =>
  pod(name, {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', image: 'x', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } },
    ],
  });
export const healthy = (name: string) =>
  pod(name, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] });
