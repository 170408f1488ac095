// Leader election on a coordination.k8s.io/v1 Lease, the way client-go does it: the holder renews
// every retryPeriod; a candidate takes the Lease only when the record has not changed for
// leaseDuration on ITS OWN clock (no trust in other machines' clocks); every write carries the
// resourceVersion it read, so two candidates racing for an expired Lease cannot both win (409).
// A leader that cannot renew for renewDeadline (< leaseDuration) stops acting before anyone else
// may start. On shutdown the holder releases the Lease so a standby takes over at once.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CoordinationV1Api, KubeConfig, V1Lease } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { k8s } from '../kube/client';
import { timeMs } from '../kube/objects';
import type { Logger } from './log';
import type { Metrics } from './metrics';

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  metrics: Metrics;
  log: Logger;
  /**
   * Called when this replica becomes the leader / stops being it; awaited one after the other.
   * `previousRenewTime`: the last renewal of whoever held the Lease before (absent for a new Lease).
   */
  onStartedLeading(taken: { previousRenewTime?: number }): Promise<void> | void;
  onStoppedLeading(): Promise<void> | void;
}

export function defaultIdentity(): string {
  return `${process.env.POD_NAME ?? hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export function defaultLeaseName(cluster: string): string {
  return `k8s-incident-flow-watcher-${cluster.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}`.slice(0, 253).replace(/[-.]+$/, '');
}

type Attempt = 'held' | 'other' | 'error';

const status = (err: unknown): number | undefined => (err as { code?: unknown })?.code as number | undefined;
const micro = (ms: number) => new k8s.V1MicroTime(ms);

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private leader = false;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private observed?: { record: string; at: number };
  private chain: Promise<void> = Promise.resolve();
  private previousRenewTime?: number;
  private failures = 0;

  constructor(
    kc: KubeConfig,
    private readonly o: LeaseOptions,
  ) {
    this.api = kc.makeApiClient(k8s.CoordinationV1Api);
  }

  isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.o.metrics.set('watcher_leader', 0);
    this.loop = this.run();
  }

  /** Stops campaigning; with `release` a leader hands the Lease back (graceful shutdown). */
  async stop(opts: { release: boolean }): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.leader) {
      this.setLeader(false);
      // Stop watching (and send what is buffered) before anyone else may lead.
      await this.chain;
      if (opts.release) await this.release();
    }
    await this.chain;
  }

  private async run(): Promise<void> {
    let lastRenew = 0;
    while (!this.stopped) {
      const attempt = await this.tryAcquireOrRenew();
      if (this.stopped) break;
      const now = Date.now();
      if (attempt === 'held') {
        lastRenew = now;
        if (!this.leader) this.setLeader(true);
      } else if (this.leader && (attempt === 'other' || now - lastRenew > this.o.renewDeadlineMs)) {
        this.o.log.warn(attempt === 'other' ? 'lost the lease to another replica' : `could not renew the lease for ${this.o.renewDeadlineMs} ms`);
        this.setLeader(false);
      }
      const jitter = this.leader ? 1 : 1 + Math.random() * 0.2;
      await new Promise<void>((r) => {
        const t = setTimeout(r, this.o.retryPeriodMs * jitter);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  private setLeader(value: boolean): void {
    this.leader = value;
    this.o.metrics.set('watcher_leader', value ? 1 : 0);
    this.o.metrics.inc('watcher_lease_transitions_total', { to: value ? 'leader' : 'standby' });
    this.o.log.info(value ? `acquired lease ${this.o.namespace}/${this.o.name} as ${this.o.identity}` : `no longer the leader (${this.o.identity})`);
    const taken = { previousRenewTime: this.previousRenewTime };
    this.chain = this.chain.then(() => (value ? this.o.onStartedLeading(taken) : this.o.onStoppedLeading())).catch((err: unknown) => this.o.log.error(`leadership callback failed: ${(err as Error).message}`));
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, name, identity } = this.o;
    const now = Date.now();
    const seconds = Math.ceil(this.o.leaseDurationMs / 1000);
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (status(err) !== 404) return this.failed('read', err);
      try {
        this.failures = 0;
        await this.api.createNamespacedLease({
          namespace,
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: micro(now), renewTime: micro(now), leaseTransitions: 0 } },
        });
        this.previousRenewTime = undefined;
        return 'held';
      } catch (e) {
        return status(e) === 409 ? 'other' : this.failed('create', e);
      }
    }
    this.failures = 0;
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const record = JSON.stringify([holder, timeMs(spec.renewTime), spec.leaseTransitions, spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: now };
    const theirDuration = (spec.leaseDurationSeconds ?? seconds) * 1000;
    if (holder && holder !== identity && this.observed.at + theirDuration > now) return 'other';
    const mine = holder === identity;
    lease.spec = {
      holderIdentity: identity,
      leaseDurationSeconds: seconds,
      acquireTime: mine && spec.acquireTime ? micro(timeMs(spec.acquireTime) ?? now) : micro(now),
      renewTime: micro(now),
      leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
    };
    try {
      await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      if (!this.leader) this.previousRenewTime = timeMs(spec.renewTime);
      return 'held';
    } catch (err) {
      return status(err) === 409 ? 'other' : this.failed('update', err);
    }
  }

  private failed(what: string, err: unknown): Attempt {
    const code = status(err);
    // Every retry period while the API is down: log the first and then now and then.
    if (this.failures++ % 30 === 0)
      this.o.log.warn(`lease ${what} failed${code ? ` (HTTP ${code})` : ''}: ${(err as Error).message?.split('\n')[0] ?? String(err)}`);
    return 'error';
  }

  /** Empties the holder so a standby does not wait out the lease duration. */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.o;
    try {
      const lease = await this.api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      const now = Date.now();
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: micro(now), acquireTime: micro(now) };
      await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      this.o.log.info(`released lease ${namespace}/${name}`);
    } catch (err) {
      this.o.log.warn(`could not release the lease (a standby takes over after it expires): ${(err as Error).message?.split('\n')[0]}`);
    }
  }
}
