// How anomalies are accepted (POST /api/anomalies and /api/anomalies/batch, the Alertmanager route). The cluster of an
// anomaly becomes part of the incident id and decides who is paged, so a typo must not open an
// incident: only clusters named in clusters[] are accepted unless this says otherwise.
import { z } from 'zod';
import { ALERTMANAGER_DEFAULTS, alertmanagerSchema } from '../intake/alertmanager/config';

const alertmanagerDefaults = () => ({ ...ALERTMANAGER_DEFAULTS, severityMap: { ...ALERTMANAGER_DEFAULTS.severityMap } });

export const intakeSchema = z
  .object({
    acceptUnknownClusters: z
      .boolean()
      .default(false)
      .describe('Accept anomalies for clusters not listed in clusters[] (e.g. reported by scripts for clusters this product does not diagnose).'),
    alertmanager: alertmanagerSchema
      .default(alertmanagerDefaults)
      .describe('POST /api/alertmanager, the Alertmanager webhook receiver (docs/alertmanager.md): which labels make cluster, fingerprint and severity, auth, limits'),
  })
  .strict()
  .default(() => ({ acceptUnknownClusters: false, alertmanager: alertmanagerDefaults() }))
  .describe('Which anomalies POST /api/anomalies (and each item of /api/anomalies/batch) accepts. Off, an anomaly for a cluster not in clusters[] gets 400 naming the known clusters and opens nothing (with clusters[] empty every cluster is refused), so a typo never pages anyone');
