// One diagnostics run: every API call goes through `call`, which applies the per-call deadline and
// the run's deadline, heartbeats, and turns a failure (403, 404, timeout) into a line of the report
// instead of failing the activity. Sections are redacted and size-capped on the way in.
import type { ConfigurationOptions, CoreV1Event, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { DiagnosticsSection } from '../../../workflows/definitions';
import { kubeCall, toKubeCallError, type KubeApis, type KubeFailure } from '../../../kube/client';
import { capTail, capText, redact } from '../redact';
import { eventsBlock } from '../../../kube/describe';
import { age, podStatus, readyCount, restartsColumn, table } from '../../../kube/format';

export interface RunSettings {
  callTimeoutMs: number;
  logLines: number;
  maxSectionChars: number;
}

/** Biggest log we ask the API server for; the tail we keep is much smaller. */
const LOG_LIMIT_BYTES = 256 * 1024;
const POD_LIST_LIMIT = 500;

export class DiagnosticsRun {
  readonly problems: string[] = [];
  readonly sections: DiagnosticsSection[] = [];
  /** Calls that answered; zero means the cluster told us nothing. */
  answered = 0;
  failures: KubeFailure[] = [];
  /** Set when the report was returned: late calls of an abandoned plan must not heartbeat. */
  closed = false;

  constructor(
    readonly apis: KubeApis,
    readonly settings: RunSettings,
    readonly signal: AbortSignal,
    private readonly heartbeat: (detail?: unknown) => void,
    readonly now: number = Date.now(),
  ) {}

  beat(detail: unknown): void {
    if (this.closed) return;
    try {
      this.heartbeat(detail);
    } catch {
      // Heartbeating is best effort; a failing heartbeat must not turn into a failed read.
    }
  }

  /** Runs one read; on failure records why and returns undefined. `expect404` keeps "not found" quiet. */
  async call<T>(what: string, fn: (o: ConfigurationOptions) => Promise<T>, opts: { expect404?: boolean } = {}): Promise<T | undefined> {
    if (this.signal.aborted) {
      this.problems.push(`${what}: skipped, the diagnostics deadline had passed`);
      return undefined;
    }
    try {
      const result = await kubeCall(what, this.settings.callTimeoutMs, fn, this.signal);
      this.answered += 1;
      return result;
    } catch (err) {
      const e = toKubeCallError(err, what, this.settings.callTimeoutMs);
      if (e.reason === 'notFound' && opts.expect404) this.answered += 1;
      else {
        this.failures.push(e.reason);
        this.problems.push(this.signal.aborted && e.reason === 'timeout' ? `${what}: stopped at the diagnostics deadline` : e.message);
      }
      return undefined;
    } finally {
      this.beat({ step: what });
    }
  }

  section(title: string, body: string, keep: 'head' | 'tail' = 'head'): void {
    const clean = redact(body.trimEnd());
    const max = this.settings.maxSectionChars;
    this.sections.push({ title, body: keep === 'tail' ? capTail(clean, max) : capText(clean, max, 'section') });
  }

  // ---- reads used by several plans ----------------------------------------------------------

  async pod(namespace: string, name: string): Promise<V1Pod | undefined> {
    return this.call(`get pod ${namespace}/${name}`, (o) => this.apis.core.readNamespacedPod({ namespace, name }, o), { expect404: true });
  }

  async pods(namespace: string, labelSelector: string): Promise<V1Pod[] | undefined> {
    const list = await this.call(`list pods in ${namespace} (${labelSelector})`, (o) =>
      this.apis.core.listNamespacedPod({ namespace, labelSelector, limit: POD_LIST_LIMIT }, o),
    );
    return list?.items;
  }

  /** Events about one object (core/v1, as kubelet and controllers write them). */
  async events(kind: string, name: string, namespace?: string): Promise<CoreV1Event[] | undefined> {
    const fieldSelector = [`involvedObject.name=${name}`, `involvedObject.kind=${kind}`].join(',');
    const what = `list events of ${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const list = namespace
      ? await this.call(what, (o) => this.apis.core.listNamespacedEvent({ namespace, fieldSelector, limit: 200 }, o))
      : await this.call(what, (o) => this.apis.core.listEventForAllNamespaces({ fieldSelector, limit: 200 }, o));
    return list?.items;
  }

  eventsSection(title: string, events: CoreV1Event[] | undefined): void {
    if (events) this.section(title, eventsBlock(events.slice(-30), this.now));
  }

  /** Tail of a container's log; `previous` is the last terminated instance. Quiet when there is none. */
  async logs(namespace: string, pod: string, container: string, previous: boolean): Promise<string | undefined> {
    const what = `read ${previous ? 'previous' : 'current'} logs of ${namespace}/${pod} container ${container}`;
    try {
      if (this.signal.aborted) throw new Error('deadline');
      const text = await kubeCall(
        what,
        this.settings.callTimeoutMs,
        (o) => this.apis.core.readNamespacedPodLog({ namespace, name: pod, container, previous, tailLines: this.settings.logLines, limitBytes: LOG_LIMIT_BYTES }, o),
        this.signal,
      );
      this.answered += 1;
      return typeof text === 'string' ? text : String(text ?? '');
    } catch (err) {
      const e = toKubeCallError(err, what, this.settings.callTimeoutMs);
      // 400 "previous terminated container not found" / "container is waiting to start": no log exists.
      if (e.status === 400) {
        this.answered += 1;
        return undefined;
      }
      if (this.signal.aborted) this.problems.push(`${what}: skipped, the diagnostics deadline had passed`);
      else {
        this.failures.push(e.reason);
        this.problems.push(e.message);
      }
      return undefined;
    } finally {
      this.beat({ step: what });
    }
  }

  podsTable(pods: V1Pod[], max = 30): string {
    const sorted = [...pods].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    const rows = sorted
      .slice(0, max)
      .map((p) => [p.metadata?.name ?? '', readyCount(p), podStatus(p), restartsColumn(p, this.now), age(p.metadata?.creationTimestamp, this.now), p.spec?.nodeName ?? '<none>']);
    const more = pods.length > max ? `\n… and ${pods.length - max} more pods` : '';
    return table(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'NODE'], rows) + more;
  }
}
