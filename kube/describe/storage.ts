// `kubectl describe` for PersistentVolumeClaims and StorageClasses.
import type { V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { conditionsBlock, fields, quantities } from '../format';
import { header } from './header';

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
