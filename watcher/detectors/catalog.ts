// The detector table: every anomaly kind the watcher emits, with its default severity and what it
// means. Pure data, shared by the config schema (severity overrides are validated against it) and
// the detectors. Custom-resource rules add their own kinds on top (config `watch.customResources`).
// A leaf module (no imports but a type from workflows/): config/schema-watch.ts imports it, so it
// must not import config or the detectors back, or the two would form an import circle.
import type { Severity } from '../../workflows/definitions';

/**
 * How a finding clears. `state`: as soon as the detector stops reporting it (node Ready again,
 * condition cleared). `pod`: only when the pod is Ready (or Succeeded, or gone), so a crash loop
 * between two crashes is not a recovery. `once`: a one-off fact (eviction, failed Job, deletion),
 * reported once and never recovered automatically.
 */
export type ClearMode = 'state' | 'pod' | 'once';

export interface DetectorInfo {
  severity: Severity;
  /**
   * How the kind's findings clear (see ClearMode); what the detectors emit for it. Reconciliation
   * reads it to tell a state that can recover from a one-off fact that never does. The event kinds
   * are `pod`: the watcher only reports events about pods it has cached.
   */
  clears: ClearMode;
  /** Opt-in detectors stay off until `watch.detectors.<kind>.enabled: true`. */
  optIn?: boolean;
  description: string;
}

export const DETECTORS = {
  CrashLoopBackOff: { severity: 'error', clears: 'pod', description: 'a container keeps crashing and Kubernetes backs off restarting it' },
  ImagePullBackOff: { severity: 'error', clears: 'pod', description: 'an image cannot be pulled (ImagePullBackOff, ErrImagePull, InvalidImageName)' },
  OOMKilled: { severity: 'error', clears: 'pod', description: 'a container was killed for exceeding its memory limit' },
  CreateContainerConfigError: { severity: 'error', clears: 'pod', description: 'a container cannot be created from its config (missing ConfigMap/Secret key)' },
  LivenessProbeFailed: { severity: 'warning', clears: 'pod', description: 'liveness probe failures reached the threshold' },
  ReadinessProbeFailed: { severity: 'warning', clears: 'pod', description: 'readiness probe failures reached the threshold' },
  FailedScheduling: { severity: 'warning', clears: 'pod', description: 'a pod cannot be scheduled on any node' },
  FailedMount: { severity: 'warning', clears: 'pod', description: 'a volume cannot be attached or mounted' },
  Evicted: { severity: 'warning', clears: 'once', description: 'a pod was evicted from its node' },
  NodeNotReady: { severity: 'critical', clears: 'state', description: 'a node is not Ready' },
  NodeMemoryPressure: { severity: 'warning', clears: 'state', description: 'a node reports MemoryPressure' },
  NodeDiskPressure: { severity: 'warning', clears: 'state', description: 'a node reports DiskPressure' },
  NodePIDPressure: { severity: 'warning', clears: 'state', description: 'a node reports PIDPressure' },
  ReplicasUnavailable: { severity: 'error', clears: 'state', description: 'a Deployment, StatefulSet or DaemonSet has unavailable replicas beyond the threshold' },
  ProgressDeadlineExceeded: { severity: 'error', clears: 'state', description: 'a Deployment rollout exceeded its progress deadline' },
  JobFailed: { severity: 'error', clears: 'once', description: 'a Job failed' },
  PVCPending: { severity: 'warning', clears: 'state', description: 'a PersistentVolumeClaim stays Pending beyond the threshold' },
  ResourceDeleted: { severity: 'warning', clears: 'once', optIn: true, description: 'a watched resource was deleted (opt-in)' },
} as const satisfies Record<string, DetectorInfo>;

export type DetectorKind = keyof typeof DETECTORS;
export const DETECTOR_KINDS = Object.keys(DETECTORS) as DetectorKind[];

/** Kinds whose findings are about a pod: they clear only when the pod is healthy again (or gone). */
export const POD_KINDS: ReadonlySet<string> = new Set<DetectorKind>([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'OOMKilled',
  'CreateContainerConfigError',
  'LivenessProbeFailed',
  'ReadinessProbeFailed',
  'FailedScheduling',
  'FailedMount',
  'Evicted',
]);

/** Kinds the opt-in deletion detector may report on by default. */
export const DELETION_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'PersistentVolumeClaim', 'Node'] as const;
