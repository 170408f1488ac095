// The `temporal` section (address, namespace, TLS, mTLS, API key) and the `worker` section (health
// endpoint, tuning). Files named here are checked at load so a wrong mount fails before any connect.
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { memorySize, secretRef } from './primitives';

/** A file that must exist and be readable now; the message names the path and what to do. */
const readableFile = (what: string) =>
  z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      try {
        accessSync(path, constants.R_OK);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        ctx.addIssue({ code: 'custom', message: `cannot read ${what} "${path}" (${code}); mount the file or fix the path` });
      }
    });

const tlsObject = z
  .object({
    caFile: readableFile('the CA certificate')
      .optional()
      .describe('PEM file of the CA that signed the server certificate (checked at load); omit to trust the system roots (Temporal Cloud)'),
    serverName: z
      .string()
      .min(1)
      .optional()
      .describe('Name expected in the server certificate (and sent as SNI) when it differs from the host in temporal.address'),
    certFile: readableFile('the client certificate')
      .optional()
      .describe('PEM client certificate for mTLS (with keyFile); re-read when the file changes'),
    keyFile: readableFile('the client key').optional().describe('PEM private key of certFile for mTLS; re-read when the file changes'),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if (!!tls.certFile !== !!tls.keyFile) {
      const missing = tls.certFile ? 'keyFile' : 'certFile';
      ctx.addIssue({ code: 'custom', path: [missing], message: `mTLS needs both certFile and keyFile; set ${missing} too (or remove the other)` });
    }
  });

export type TemporalTls = z.output<typeof tlsObject>;

export const temporalSchema = z
  .object({
    address: z.string().default('127.0.0.1:7233').describe('host:port of the Temporal frontend (Temporal Cloud: <namespace>.<account>.tmprl.cloud:7233)'),
    namespace: z.string().default('default').describe('Temporal namespace of the incident workflows'),
    taskQueue: z.string().default('incidents').describe('Task queue the worker polls and incidents are started on'),
    /** Base URL of the Temporal UI, for links in chat and postmortems. */
    uiUrl: z.string().url().optional().describe('Base URL of the Temporal UI, for links in chat and postmortems'),
    tls: z
      .union([z.boolean(), tlsObject], { error: 'expected true, false or an object with caFile, serverName, certFile, keyFile' })
      .optional()
      .describe('true: TLS with the system roots; an object: custom CA, server name, mTLS client certificate; false: plaintext. Default: off, or on when apiKey is set'),
    apiKey: secretRef
      .optional()
      .describe('API key (Temporal Cloud) from fromEnv or fromFile, sent as "Authorization: Bearer"; re-read when the file changes; turns TLS on unless tls is false'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const file = t.apiKey?.fromFile;
    if (!file) return;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      ctx.addIssue({ code: 'custom', path: ['apiKey', 'fromFile'], message: `cannot read the API key file "${file}" (${code}); mount the file or fix the path` });
    }
  })
  // An API key travels as a bearer header: sending it in plaintext would leak it, and Temporal Cloud
  // only speaks TLS, so a key turns TLS on unless the operator says `tls: false` on purpose.
  .transform(({ tls, ...rest }) => ({ ...rest, tls: tls === true || (tls === undefined && rest.apiKey) ? {} : tls || undefined }))
  .default({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'incidents', tls: undefined })
  .describe('The Temporal frontend every process connects to (TLS, mTLS, API key); the namespace needs the five Keyword search attributes IncidentStatus, IncidentSeverity, K8sCluster, K8sNamespace, IncidentAssignee');

// Defaults fit one pod with a couple of CPUs: incident activities mostly wait on chat APIs, so many
// may run at once; workflow tasks are short and CPU-bound.
const WORKER_DEFAULTS = {
  host: '127.0.0.1',
  port: 9465,
  sdkMetricsPort: 9466,
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxCachedWorkflows: 'auto' as const,
  workflowTaskPollers: 4,
  activityTaskPollers: 4,
};

export const workerSchema = z
  .object({
    host: z.string().default(WORKER_DEFAULTS.host).describe('Address of the worker health endpoint (/healthz, /readyz); 0.0.0.0 in a pod'),
    port: z.number().int().min(0).max(65535).default(WORKER_DEFAULTS.port).describe('Port of the worker health endpoint and its /metrics'),
    sdkMetricsPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(WORKER_DEFAULTS.sdkMetricsPort)
      .describe('Port of the Temporal SDK metrics (Prometheus /metrics, on worker.host); 0 turns them off'),
    maxConcurrentActivityTaskExecutions: z
      .number()
      .int()
      .min(1)
      .default(WORKER_DEFAULTS.maxConcurrentActivityTaskExecutions)
      .describe('Activities (chat posts, pages, diagnostics) run at once by one worker'),
    maxConcurrentWorkflowTaskExecutions: z
      .number()
      .int()
      .min(2)
      .default(WORKER_DEFAULTS.maxConcurrentWorkflowTaskExecutions)
      .describe('Workflow tasks run at once by one worker (at least 2 with a sticky cache)'),
    maxCachedWorkflows: z
      .union([z.number().int().min(0), z.literal('auto')], { error: 'expected a whole number of incidents (0 or more) or auto' })
      .default(WORKER_DEFAULTS.maxCachedWorkflows)
      .describe(
        'Open incidents kept in memory (sticky cache); 0 replays every task from history. auto: 90% of what the memory limit\'s workflow heap holds (770 under 1Gi, 470 with tracing on), 500 without a limit (docs/operations.md#memory)',
      ),
    workflowTaskPollers: z
      .number()
      .int()
      .min(2)
      .default(WORKER_DEFAULTS.workflowTaskPollers)
      .describe('Concurrent workflow task polls (at least 2, at most maxConcurrentWorkflowTaskExecutions)'),
    activityTaskPollers: z
      .number()
      .int()
      .min(1)
      .default(WORKER_DEFAULTS.activityTaskPollers)
      .describe('Concurrent activity task polls (at most maxConcurrentActivityTaskExecutions)'),
    memoryLimit: memorySize
      .optional()
      .describe(
        'Memory this worker may use, e.g. "1Gi" (default: its container\'s limit, when it has one). The worker caps its workflow thread\'s heap at 40% of it and refuses to start when maxCachedWorkflows cannot fit (docs/operations.md#memory)',
      ),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (w.workflowTaskPollers > w.maxConcurrentWorkflowTaskExecutions)
      ctx.addIssue({ code: 'custom', path: ['workflowTaskPollers'], message: `must not exceed maxConcurrentWorkflowTaskExecutions (${w.maxConcurrentWorkflowTaskExecutions})` });
    if (w.activityTaskPollers > w.maxConcurrentActivityTaskExecutions)
      ctx.addIssue({ code: 'custom', path: ['activityTaskPollers'], message: `must not exceed maxConcurrentActivityTaskExecutions (${w.maxConcurrentActivityTaskExecutions})` });
  })
  .default(WORKER_DEFAULTS)
  .describe('The worker process: health endpoint and Temporal worker tuning');

export type TemporalConfig = z.output<typeof temporalSchema>;
export type WorkerConfig = z.output<typeof workerSchema>;
