// `kubectl describe service`: type, selector, cluster IP and ports.
import type { V1Service } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { labelsText } from '../format';
import { header } from './header';

export function describeService(svc: V1Service): string {
  return header(svc.metadata, [
    ['Type', svc.spec?.type],
    ['Selector', labelsText(svc.spec?.selector)],
    ['ClusterIP', svc.spec?.clusterIP],
    ['Ports', (svc.spec?.ports ?? []).map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol ?? 'TCP'} -> ${String(p.targetPort ?? p.port)}`).join(', ')],
  ]);
}
