// Turns "what is wrong right now" into occurrences and recoveries. An entry is one fingerprint on
// one object (a crash-looping pod of a Deployment); a fingerprint is open while it has entries.
// New entries, new sources and growing counters are occurrences; the last entry of a fingerprint
// going away is a recovery. Evaluating the same state twice (a relist, a resync) yields nothing.
import type { Anomaly } from '../workflows/definitions';
import type { ClearMode } from './detectors/types';

export interface Prepared {
  fingerprint: string;
  /** The anomaly to signal (without count). */
  anomaly: Anomaly;
  mode: ClearMode;
  source: string;
  counter?: number;
  /** `Kind/ns/name` of the top owner, for symptom suppression. */
  ownerKey: string;
}

export type Action =
  | { type: 'occurrence'; anomaly: Anomaly; count: number }
  | { type: 'recovered'; fingerprint: string; message: string };

interface Entry {
  fingerprint: string;
  resourceKey: string;
  ownerKey: string;
  mode: ClearMode;
  /** source -> last counter value (undefined when the source has none). */
  sources: Map<string, number | undefined>;
}

export interface ObserveOptions {
  /** The object's own state was evaluated: state sources it no longer reports are dropped. */
  fullState: boolean;
  /** The pod is Ready (or Succeeded): its pod findings clear. */
  healthy?: boolean;
  /** How a recovery message names the change, e.g. "is Ready". */
  why?: string;
}

const isEventSource = (s: string) => s.startsWith('event:');

export class Tracker {
  private readonly entries = new Map<string, Entry>();
  private readonly byResource = new Map<string, Set<string>>();
  private readonly byFingerprint = new Map<string, Set<string>>();
  private readonly podOwners = new Map<string, number>();
  /** Last counter reported per entry+source; outlives the entry so an old bad state is not news again. */
  private readonly seen = new Map<string, number>();
  private readonly seenByResource = new Map<string, Set<string>>();

  /** Open fingerprints (for metrics and tests). */
  openFingerprints(): string[] {
    return [...this.byFingerprint.keys()];
  }

  isOpen(fingerprint: string): boolean {
    return this.byFingerprint.has(fingerprint);
  }

  podFindingsUnder(ownerKey: string): boolean {
    return (this.podOwners.get(ownerKey) ?? 0) > 0;
  }

  observe(resourceKey: string, findings: readonly Prepared[], opts: ObserveOptions): Action[] {
    const actions: Action[] = [];
    const touched = new Set<string>();
    const current = new Set<string>();
    for (const p of findings) {
      const ek = `${p.fingerprint}|${resourceKey}`;
      const sk = `${ek}|${p.source}`;
      current.add(sk);
      const prev = this.seen.get(sk);
      const remember = () => {
        this.seen.set(sk, Math.max(prev ?? 0, p.counter ?? 0));
        let set = this.seenByResource.get(resourceKey);
        if (!set) this.seenByResource.set(resourceKey, (set = new Set()));
        set.add(sk);
      };
      if (p.mode === 'once') {
        const n = prev === undefined ? 1 : p.counter !== undefined && p.counter > prev ? p.counter - prev : 0;
        if (n > 0) actions.push({ type: 'occurrence', anomaly: p.anomaly, count: n });
        remember();
        continue;
      }
      let entry = this.entries.get(ek);
      const fresh = !entry || !entry.sources.has(p.source);
      let n = 0;
      // A counter that has not moved since it was reported is old news (one OOM kill, then Ready).
      if (fresh) n = p.counter !== undefined && prev !== undefined && p.counter <= prev ? 0 : 1;
      else if (p.counter !== undefined && prev !== undefined && p.counter > prev) n = p.counter - prev;
      if (!entry) {
        if (n === 0) continue;
        entry = { fingerprint: p.fingerprint, resourceKey, ownerKey: p.ownerKey, mode: p.mode, sources: new Map() };
        this.add(ek, entry);
      }
      entry.sources.set(p.source, p.counter);
      if (n > 0) actions.push({ type: 'occurrence', anomaly: p.anomaly, count: n });
      remember();
    }
    for (const ek of [...(this.byResource.get(resourceKey) ?? [])]) {
      const entry = this.entries.get(ek)!;
      if (entry.mode === 'pod' && opts.healthy) entry.sources.clear();
      if (entry.mode === 'state' && opts.fullState) {
        for (const src of [...entry.sources.keys()]) if (!isEventSource(src) && !current.has(`${ek}|${src}`)) entry.sources.delete(src);
      }
      if (entry.sources.size === 0) {
        this.delete(ek, entry);
        touched.add(entry.fingerprint);
      }
    }
    actions.push(...this.recoveries(touched, resourceKey, opts.why ?? 'is healthy again'));
    return actions;
  }

  /** The object is gone: everything about it clears, and it forgets its history. */
  remove(resourceKey: string): Action[] {
    const touched = new Set<string>();
    for (const ek of [...(this.byResource.get(resourceKey) ?? [])]) {
      const entry = this.entries.get(ek)!;
      this.delete(ek, entry);
      touched.add(entry.fingerprint);
    }
    for (const sk of this.seenByResource.get(resourceKey) ?? []) this.seen.delete(sk);
    this.seenByResource.delete(resourceKey);
    return this.recoveries(touched, resourceKey, 'was deleted');
  }

  private recoveries(touched: Set<string>, resourceKey: string, why: string): Action[] {
    const out: Action[] = [];
    for (const fp of touched) {
      if (this.byFingerprint.has(fp)) continue;
      const [kind, ns, name] = resourceKey.split('/');
      out.push({ type: 'recovered', fingerprint: fp, message: `${kind} ${ns ? `${ns}/` : ''}${name} ${why}; no affected object is left` });
    }
    return out;
  }

  private add(ek: string, e: Entry): void {
    this.entries.set(ek, e);
    const idx = (m: Map<string, Set<string>>, k: string) => {
      let s = m.get(k);
      if (!s) m.set(k, (s = new Set()));
      s.add(ek);
    };
    idx(this.byResource, e.resourceKey);
    idx(this.byFingerprint, e.fingerprint);
    if (e.mode === 'pod') this.podOwners.set(e.ownerKey, (this.podOwners.get(e.ownerKey) ?? 0) + 1);
  }

  private delete(ek: string, e: Entry): void {
    this.entries.delete(ek);
    const unidx = (m: Map<string, Set<string>>, k: string) => {
      const s = m.get(k);
      s?.delete(ek);
      if (s && s.size === 0) m.delete(k);
    };
    unidx(this.byResource, e.resourceKey);
    unidx(this.byFingerprint, e.fingerprint);
    if (e.mode === 'pod') {
      const n = (this.podOwners.get(e.ownerKey) ?? 1) - 1;
      if (n > 0) this.podOwners.set(e.ownerKey, n);
      else this.podOwners.delete(e.ownerKey);
    }
  }
}
