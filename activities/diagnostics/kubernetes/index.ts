// The Kubernetes DiagnosticsProvider: picks a plan by the anomaly's object (pod or workload, node,
// claim, anything else), runs it with a whole-run deadline and per-call deadlines, heartbeats while
// it waits, and returns a redacted, size-capped DiagnosticsReport. Read-only: get and list only
// (pods/log included), never a Secret.
import type { Config } from '../../../config/schema';
import type { ClusterDiagnosticsConfig } from '../../../config/schema-diagnostics';
import type { Anomaly, DiagnosticsReport } from '../../../workflows/definitions';
import { kubeApis, kubeConfigFor, KubeConfigError, type KubeApis } from '../../../kube/client';
import type { DiagnosticsProvider } from '..';
import { capText, redact } from '../redact';
import { DIGEST_MAX_CHARS } from './digest';
import { diagnoseNode } from './plans/node';
import { diagnoseObject } from './plans/object';
import { diagnosePods, WORKLOAD_KINDS } from './plans/pods';
import { diagnosePvc } from './plans/pvc';
import { DiagnosticsRun } from './run';

/** Whole report budget: it is stored in workflow history and state, which must stay small. */
export const MAX_REPORT_CHARS = 48_000;
const HEARTBEAT_EVERY_MS = 5_000;
/** Grace after the deadline for aborted calls to unwind before we answer without them. */
const UNWIND_MS = 2_000;

export interface KubernetesDiagnosticsOptions {
  cluster: string;
  apis: KubeApis;
  settings: ClusterDiagnosticsConfig;
}

type Plan = (run: DiagnosticsRun, anomaly: Anomaly) => Promise<string>;

export function planFor(anomaly: Anomaly): { name: string; run: Plan } {
  const kind = anomaly.resource.kind;
  if (kind === 'Node') return { name: 'node', run: diagnoseNode };
  if (kind === 'PersistentVolumeClaim') return { name: 'pvc', run: diagnosePvc };
  if (kind === 'Pod' || WORKLOAD_KINDS.has(kind)) return { name: 'pods', run: diagnosePods };
  return { name: 'object', run: diagnoseObject };
}

export function createKubernetesDiagnostics(opts: KubernetesDiagnosticsOptions): DiagnosticsProvider {
  const s = opts.settings;
  return {
    async collect(anomaly: Anomaly, heartbeat: (detail?: unknown) => void): Promise<DiagnosticsReport> {
      const deadline = AbortSignal.timeout(s.timeout);
      const run = new DiagnosticsRun(opts.apis, { callTimeoutMs: s.callTimeout, logLines: s.logLines, maxSectionChars: s.maxSectionChars }, deadline, heartbeat);
      const plan = planFor(anomaly);
      // Heartbeat while waiting on slow calls too, not only between them.
      const ticker = setInterval(() => run.beat({ plan: plan.name, answered: run.answered }), HEARTBEAT_EVERY_MS);
      ticker.unref();
      let digest = '';
      let timer: NodeJS.Timeout | undefined;
      try {
        const hardStop = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(''), s.timeout + UNWIND_MS);
          timer.unref();
        });
        const planned = plan.run(run, anomaly);
        planned.catch(() => undefined); // abandoned at the hard stop: its late failure is not ours to report
        digest = await Promise.race([planned, hardStop]);
      } catch (err) {
        run.problems.push(`diagnostics stopped early: ${(err as Error).message}`);
      } finally {
        clearInterval(ticker);
        if (timer) clearTimeout(timer);
        run.closed = true;
      }
      return finish(opts.cluster, anomaly, run, digest);
    },
  };
}

function finish(cluster: string, anomaly: Anomaly, run: DiagnosticsRun, digest: string): DiagnosticsReport {
  const what = `${anomaly.resource.kind} ${anomaly.resource.namespace ? `${anomaly.resource.namespace}/` : ''}${anomaly.resource.name}`;
  if (run.answered === 0) {
    const why = run.problems[0] ?? 'no call answered';
    return {
      available: false,
      digest: capText(redact(`Could not read ${what} from cluster "${cluster}": ${why}`), DIGEST_MAX_CHARS, 'digest'),
      sections: run.problems.length ? [{ title: 'Problems while collecting', body: redact(run.problems.join('\n')) }] : [],
    };
  }
  if (run.problems.length) {
    run.section('Problems while collecting', run.problems.join('\n'));
    const counts = new Map<string, number>();
    for (const f of run.failures) counts.set(f, (counts.get(f) ?? 0) + 1);
    const summary = [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || `${run.problems.length} skipped`;
    digest = capText(`${digest}\n(${run.problems.length} read${run.problems.length > 1 ? 's' : ''} failed: ${summary}; details in the report)`.trim(), DIGEST_MAX_CHARS, 'digest');
  }
  return { available: true, digest: digest || `Read ${what}; nothing stood out.`, sections: budget(run.sections) };
}

/** Keeps the report under MAX_REPORT_CHARS, cutting later (less important) sections first. */
function budget(sections: DiagnosticsReport['sections']): DiagnosticsReport['sections'] {
  let left = MAX_REPORT_CHARS;
  return sections.map((sec) => {
    const body = sec.body.length + sec.title.length <= left ? sec.body : capText(sec.body, Math.max(200, left - sec.title.length), 'section');
    left = Math.max(0, left - body.length - sec.title.length);
    return { title: sec.title, body };
  });
}

/** A provider that says why there are no diagnostics (a broken kubeconfig must not stop alerts). */
function unavailable(message: string): DiagnosticsProvider {
  return { collect: async () => ({ available: false, digest: message, sections: [] }) };
}

/**
 * One provider per configured cluster (`clusters[]` with `diagnostics.enabled`). A cluster whose
 * kubeconfig cannot be loaded gets a provider that reports the problem in every incident.
 */
export function diagnosticsFromConfig(cfg: Config, warn: (msg: string) => void = () => {}): Record<string, DiagnosticsProvider> {
  const out: Record<string, DiagnosticsProvider> = {};
  for (const c of cfg.clusters) {
    if (!c.diagnostics.enabled) {
      out[c.name] = unavailable(`Diagnostics are turned off for cluster "${c.name}" (clusters[].diagnostics.enabled).`);
      continue;
    }
    try {
      out[c.name] = createKubernetesDiagnostics({ cluster: c.name, apis: kubeApis(kubeConfigFor(c)), settings: c.diagnostics });
    } catch (err) {
      const msg = err instanceof KubeConfigError ? err.message : `cluster "${c.name}": ${(err as Error).message}`;
      warn(`diagnostics disabled: ${msg}`);
      out[c.name] = unavailable(`Diagnostics are unavailable: ${msg}`);
    }
  }
  return out;
}
