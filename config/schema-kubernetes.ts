// Clusters the product watches and diagnoses. One entry per cluster; the watcher process runs for
// one of them (--cluster), the worker builds a read-only diagnostics client per entry, and the api
// runs /kubectl against them.
import { z } from 'zod';
import { watchSchema } from './schema-watch';
import { clusterDiagnosticsSchema, kubectlSchema } from './schema-diagnostics';

export const clusterSchema = z
  .object({
    /** The cluster name used in incident ids (`incident/<cluster>/...`) and search attributes. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,63}$/, 'expected a cluster name of letters, digits, ".", "_", "-" (at most 63)')
      .describe('Cluster name used in incident ids (incident/<cluster>/...), routing and the K8sCluster search attribute'),
    /** Path to a kubeconfig file; absent with `inCluster: false` means $KUBECONFIG or ~/.kube/config. */
    kubeconfig: z.string().min(1).optional().describe('Path to a kubeconfig file with a read-only identity; absent (and not inCluster): $KUBECONFIG or ~/.kube/config'),
    /** Context in the kubeconfig; default: its current-context. */
    context: z.string().min(1).optional().describe("Context in the kubeconfig; default: its current-context"),
    /** Use the pod's service account (in-cluster config). */
    inCluster: z.boolean().default(false).describe("Use the pod's service account (in-cluster config); the chart then binds the read-only ClusterRole"),
    watch: watchSchema.describe('What the watcher for this cluster reports (detectors, filters, thresholds, leader election)'),
    diagnostics: clusterDiagnosticsSchema.describe("Read-only diagnostics posted into an incident's thread"),
  })
  .strict();

export const clustersSchema = z
  .array(clusterSchema)
  .default([])
  .describe('Clusters the product watches and diagnoses; the watcher runs for one of them (--cluster)');
export { kubectlSchema };
