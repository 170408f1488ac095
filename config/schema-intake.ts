// How anomalies are accepted (POST /api/anomalies today, other sources later). The cluster of an
// anomaly becomes part of the incident id and decides who is paged, so a typo must not open an
// incident: only clusters named in clusters[] are accepted unless this says otherwise.
import { z } from 'zod';

export const intakeSchema = z
  .object({
    acceptUnknownClusters: z
      .boolean()
      .default(false)
      .describe('Accept anomalies for clusters not listed in clusters[] (e.g. reported by scripts for clusters this product does not diagnose).'),
  })
  .strict()
  .default({ acceptUnknownClusters: false })
  .describe('Which anomalies POST /api/anomalies accepts. Off, an anomaly for a cluster not in clusters[] gets 400 naming the known clusters and opens nothing (with clusters[] empty every cluster is refused), so a typo never pages anyone');
