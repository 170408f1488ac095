// Diagnostics per cluster and /kubectl from chat (owned by diagnostics and kubectl).
// Both only ever read: the worker and the api use the cluster's read-only identity, Secrets are never
// fetched, and /kubectl is limited per channel to the verbs, resources and namespaces listed here.
import { z } from 'zod';
import { parseDuration } from './duration';
import { platformName } from '../platforms/registry';

const durationMs = (fallback: string, min: number, max: number) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms < min || ms > max) {
        ctx.addIssue({ code: 'custom', message: `expected a duration between ${min / 1000}s and ${max / 1000}s like "10s" or "1m", got "${value}"` });
        return z.NEVER;
      }
      return ms;
    });

export const clusterDiagnosticsSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Collect diagnostics for this cluster's incidents (read-only API calls)."),
    timeout: durationMs('60s', 1_000, 100_000).describe("Deadline for a whole run (below the workflow's 2-minute activity timeout); what is not read by then is listed as skipped."),
    callTimeout: durationMs('10s', 500, 60_000).describe('Deadline for each API call.'),
    logLines: z.number().int().min(1).max(500).default(40).describe('Lines of current and previous container logs to keep.'),
    maxSectionChars: z.number().int().min(500).max(20_000).default(6_000).describe('Largest section body, in characters (longer ones are cut with a note).'),
  })
  .strict()
  .default({ enabled: true, timeout: 60_000, callTimeout: 10_000, logLines: 40, maxSectionChars: 6_000 });

export const KUBECTL_VERBS = ['get', 'describe', 'logs', 'events', 'top'] as const;
/** Resource types /kubectl knows (canonical plural names). Secrets are not among them and never will be. */
export const KUBECTL_RESOURCES = [
  'pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'services', 'ingresses',
  'events', 'nodes', 'namespaces', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses', 'configmaps',
] as const;
export type KubectlVerb = (typeof KUBECTL_VERBS)[number];
export type KubectlResource = (typeof KUBECTL_RESOURCES)[number];
/** What a channel gets when its entry lists no resources: workloads and their surroundings, no ConfigMaps. */
export const DEFAULT_KUBECTL_RESOURCES: KubectlResource[] = KUBECTL_RESOURCES.filter((r) => r !== 'configmaps');

const resourceName = z.string().transform((value, ctx) => {
  const v = value.toLowerCase();
  if (/^(secrets?|sec)(\..*)?$/.test(v)) {
    ctx.addIssue({ code: 'custom', message: 'Secrets can never be read from chat; remove "secrets" from the list' });
    return z.NEVER;
  }
  if (!(KUBECTL_RESOURCES as readonly string[]).includes(v)) {
    ctx.addIssue({ code: 'custom', message: `unknown resource "${value}"; use the plural names ${KUBECTL_RESOURCES.join(', ')}` });
    return z.NEVER;
  }
  return v as KubectlResource;
});

const kubectlChannel = z
  .object({
    platform: platformName.describe('Chat platform of the channel'),
    channel: z.string().min(1).describe('Channel id on that platform'),
    cluster: z.string().min(1).describe('Name of an entry in `clusters` that commands in this channel run against.'),
    verbs: z.array(z.enum(KUBECTL_VERBS)).min(1).default([...KUBECTL_VERBS]).describe(`Allowed verbs: ${KUBECTL_VERBS.join(', ')}`),
    resources: z.array(resourceName).min(1).default(DEFAULT_KUBECTL_RESOURCES).describe('Readable resources (plural names); never Secrets; default: all but configmaps'),
    namespaces: z.array(z.string().regex(/^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/, 'expected a namespace name or "*"')).min(1).describe('Namespaces commands may read; "*" allows every namespace (and -A).'),
  })
  .strict();

export const kubectlSchema = z
  .object({
    channels: z.array(kubectlChannel).default([]).describe('Where /kubectl may run, and what it may read there. A channel not listed here gets a refusal.'),
    maxOutputChars: z.number().int().min(500).max(40_000).default(3_500).describe('Longest answer posted to chat, in characters (longer output is cut with a note; logs keep their end).'),
    timeout: durationMs('10s', 500, 60_000).describe('Deadline for each API call a command makes.'),
  })
  .strict()
  .default({ channels: [], maxOutputChars: 3_500, timeout: 10_000 })
  .describe('Read-only /kubectl from chat: where it may run and what it may read');

export type ClusterDiagnosticsConfig = z.output<typeof clusterDiagnosticsSchema>;
export type KubectlConfig = z.output<typeof kubectlSchema>;
export type KubectlChannelPolicy = KubectlConfig['channels'][number];
