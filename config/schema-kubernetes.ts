// Clusters the product watches and diagnoses. One entry per cluster; the watcher process runs for
// one of them (--cluster), the worker builds a read-only diagnostics client per entry, and the api
// runs /kubectl against them.
import { z } from 'zod';
import { watchSchema } from './schema-watch';
import { clusterDiagnosticsSchema, kubectlSchema } from './schema-diagnostics';

export const clusterSchema = z
  .object({
    /** The cluster name used in incident ids (`incident/<cluster>/...`) and search attributes. */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,63}$/, 'expected a cluster name of letters, digits, ".", "_", "-" (at most 63)'),
    /** Path to a kubeconfig file; absent with `inCluster: false` means $KUBECONFIG or ~/.kube/config. */
    kubeconfig: z.string().min(1).optional(),
    /** Context in the kubeconfig; default: its current-context. */
    context: z.string().min(1).optional(),
    /** Use the pod's service account (in-cluster config). */
    inCluster: z.boolean().default(false),
    watch: watchSchema,
    diagnostics: clusterDiagnosticsSchema,
  })
  .strict();

export const clustersSchema = z.array(clusterSchema).default([]);
export { kubectlSchema };
