// Diagnostics: read-only facts about the failing object, gathered before a person opens a laptop.
// Providers are per cluster (the Kubernetes provider comes with the watcher); without one the
// incident records that fact instead of pretending.
import type { Anomaly, DiagnosticsReport } from '../../workflows/definitions';

export interface DiagnosticsProvider {
  collect(anomaly: Anomaly, heartbeat: (detail?: unknown) => void): Promise<DiagnosticsReport>;
}

export function createDiagnosticsActivities(providers: Record<string, DiagnosticsProvider>, heartbeat: (d?: unknown) => void = () => {}) {
  return {
    async runDiagnostics(anomaly: Anomaly): Promise<DiagnosticsReport> {
      const provider = providers[anomaly.cluster] ?? providers['*'];
      if (!provider)
        return { available: false, digest: `No diagnostics provider is configured for cluster "${anomaly.cluster}", so none were collected.`, sections: [] };
      return provider.collect(anomaly, heartbeat);
    },
  };
}
export type DiagnosticsActivities = ReturnType<typeof createDiagnosticsActivities>;
