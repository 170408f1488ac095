// Refuses anomalies for clusters the config does not know. A typo such as "prod" for "production"
// would otherwise open `incident/prod/...`, page the on-call person and find no diagnostics.
// With clusters[] empty nothing can be checked, so nothing is accepted until the config either lists
// the clusters or says `intake.acceptUnknownClusters: true`: paging on a guess is the worse failure.
import type { Config } from '../config/schema';

/** Why `cluster` is refused, in words a person can act on; undefined when it is accepted. */
export function unknownClusterProblem(config: Pick<Config, 'clusters' | 'intake'>, cluster: string): string | undefined {
  if (config.intake.acceptUnknownClusters) return undefined;
  const known = config.clusters.map((c) => c.name);
  if (known.includes(cluster)) return undefined;
  const optIn = 'or set intake.acceptUnknownClusters: true in the config to accept any cluster';
  if (known.length === 0) return `cluster "${cluster}" is not configured and clusters[] is empty: add it under clusters[], ${optIn}`;
  return `cluster "${cluster}" is not configured; known clusters: ${known.map((k) => `"${k}"`).join(', ')}. Fix the name, add it under clusters[], ${optIn}`;
}
