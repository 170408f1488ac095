// What a detector returns. Detectors are pure functions of one object (plus a small context): they
// say what is wrong with it right now; the tracker turns that into occurrences and recoveries.
import type { ResourceRef, Severity } from '../../workflows/definitions';
import type { WatchSettings } from '../../config/schema-watch';
import type { K8sObject } from '../../kube/objects';
import type { ClearMode } from './catalog';

export type { ClearMode } from './catalog';

export interface Finding {
  kind: string;
  /** Overrides the catalog default (custom-resource rules carry their own). */
  severity?: Severity;
  /** The object the finding is about. */
  resource: ResourceRef;
  /** That object when known (labels, annotations, owner resolution). */
  object?: K8sObject;
  reason: string;
  message: string;
  mode: ClearMode;
  /** Distinguishes several reasons for one finding (containers, events); counters are per source. */
  source: string;
  /** A monotonic counter (restart count, event count): growth is more occurrences. */
  counter?: number;
  /** When it was observed (ms); now when absent. */
  observedAt?: number;
  /** Group on this owner instead of the resolved top owner (custom-resource `groupBy`). */
  owner?: ResourceRef;
}

export interface DetectorContext {
  now: number;
  thresholds: WatchSettings['thresholds'];
  /**
   * One-off facts (events, evictions, failed Jobs, terminal failures) observed before this instant
   * (ms) are old news: the previous leader reported them, or they are older than staleAfter.
   */
  cutoff: number;
  /** First time this process saw `key` in a bad state (for thresholds the object has no timestamp for). */
  since(key: string): number;
  /** Forget a `since` mark once the state is good again. */
  forget(key: string): void;
  /** Whether pods under this top owner (`Kind/ns/name`) have open findings: workload symptoms then stay quiet. */
  podFindingsUnder(ownerKey: string): boolean;
}

export type Detector = (obj: K8sObject, ctx: DetectorContext) => Finding[];
