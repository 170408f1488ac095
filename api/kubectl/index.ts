// /kubectl from chat: parse (no shell), check the channel's policy, read through the Kubernetes API
// with the cluster's read-only identity, render like kubectl, redact, cap, and (in an incident
// thread) record the command in the incident's timeline with the workflow's note signal. Every
// command, run or refused, anywhere, also goes to the cluster's audit trail (./audit.ts).
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/schema';
import { kubeApis, kubeConfigFor, KubeCallError, KubeConfigError, type KubeApis } from '../../kube/client';
import { capTail, capText, redact } from '../../activities/diagnostics/redact';
import { noteSignal, parseIncidentWorkflowId, stateQuery, type Actor } from '../../workflows/definitions';
import { parseKubectl, type KubectlCommand } from './parse';
import { authorize, choosePolicy, type Where } from './policy';
import { runDescribe, runEvents, runGet, runLogs, runTop, type Output, type ReadContext } from './reads';
import { effectiveRoles, scopeRefusal } from '../../workflows/policy/scope';
import type { AuditEntry } from '../../workflows/audit-definitions';
import { audit } from './audit';

export { parseKubectl, KUBECTL_HELP, KUBECTL_USAGE } from './parse';

export interface KubectlDeps {
  config: Config;
  client: Client;
  log?: { warn(obj: object, msg: string): void };
  /** Overrides the clients built from `clusters[]` (tests). */
  apisFor?: (cluster: string) => KubeApis;
  now?: () => number;
}

export interface KubectlContext {
  actor: Actor;
  platform: string;
  channel?: string;
  threadIncidentId?: string;
}

export interface KubectlReply {
  text: string;
  /** Refusals, help and errors are for the caller only; output is shared with the channel. */
  ephemeral: boolean;
  incidentId?: string;
  /** The first line is the command, the rest output to show fixed-width. */
  preformatted?: boolean;
  /** Rows of output (objects, events or log lines) when the command ran. */
  rows?: number;
  /** Whether the run (or refusal) was written to the incident's timeline. */
  recorded?: boolean;
  /** Whether the run (or refusal) reached the cluster's audit trail (`audit/<cluster>`). */
  audited?: boolean;
}

const clientCache = new WeakMap<Config, Map<string, KubeApis>>();

function apisFromConfig(config: Config, name: string): KubeApis {
  let byName = clientCache.get(config);
  if (!byName) clientCache.set(config, (byName = new Map()));
  const cached = byName.get(name);
  if (cached) return cached;
  const cluster = config.clusters.find((c) => c.name === name);
  if (!cluster) throw new KubeConfigError(`kubectl.channels names cluster "${name}", which is not in clusters[]`);
  const apis = kubeApis(kubeConfigFor(cluster));
  byName.set(name, apis);
  return apis;
}

async function incidentWhere(client: Client, id: string | undefined): Promise<{ cluster?: string; namespace?: string }> {
  if (!id) return {};
  const cluster = parseIncidentWorkflowId(id)?.cluster;
  try {
    const state = await client.withDeadline(Date.now() + 3_000, () => client.workflow.getHandle(id).query(stateQuery));
    return { cluster: state.cluster ?? cluster, namespace: state.namespace ?? state.resource.namespace };
  } catch {
    return { cluster };
  }
}

async function record(client: Client, id: string | undefined, actor: Actor, text: string): Promise<boolean> {
  if (!id) return false;
  try {
    await client.workflow.getHandle(id).signal(noteSignal, { type: 'kubectl', actor: actor.personId ?? actor.via, text });
    return true;
  } catch {
    return false; // the incident has ended (or never existed): the answer still goes to the caller
  }
}

async function execute(ctx: ReadContext, cmd: KubectlCommand, namespace: string): Promise<Output> {
  switch (cmd.verb) {
    case 'get':
      return runGet(ctx, cmd, namespace);
    case 'describe':
      return runDescribe(ctx, cmd, namespace);
    case 'logs':
      return runLogs(ctx, cmd, namespace);
    case 'events':
      return runEvents(ctx, cmd, namespace);
    case 'top':
      return runTop(ctx, cmd, namespace);
  }
}

/** Runs `/kubectl <args>` for a platform-verified actor in a channel (and maybe an incident thread). */
export async function runKubectl(args: string, ctx: KubectlContext, deps: KubectlDeps): Promise<KubectlReply> {
  const incidentId = ctx.threadIncidentId;
  const parsed = parseKubectl(args);
  const line = redact(oneLineOf(args));
  const auditDeps = { client: deps.client, taskQueue: deps.config.temporal.taskQueue, log: deps.log };
  const entry = (outcome: AuditEntry['outcome'], detail: string, namespace?: string): AuditEntry => ({
    at: new Date(deps.now?.() ?? Date.now()).toISOString(),
    actor: ctx.actor.personId ?? ctx.actor.via,
    via: ctx.actor.via,
    platform: ctx.platform,
    ...(ctx.channel ? { channel: ctx.channel } : {}),
    command: `kubectl ${line}`,
    outcome,
    detail,
    ...(namespace ? { namespace } : {}),
    ...(incidentId ? { incidentId } : {}),
  });
  let cluster: string | undefined;
  const refuse = async (text: string): Promise<KubectlReply> => {
    const why = firstSentence(text);
    const [recorded, audited] = await Promise.all([record(deps.client, incidentId, ctx.actor, `refused: kubectl ${line} (${why})`), audit(auditDeps, cluster, entry('refused', why))]);
    return { text, ephemeral: true, incidentId, recorded, audited };
  };
  if (!parsed.ok) return parsed.help ? { text: parsed.error, ephemeral: true, incidentId } : refuse(parsed.error);
  const cmd = parsed.command;
  cluster = cmd.cluster;
  if (!ctx.actor.personId) return refuse(`Refused: ${ctx.actor.display} is not on the roster, so /kubectl is not available to them.`);

  const inc = await incidentWhere(deps.client, incidentId);
  cluster ??= inc.cluster;
  const where: Where = { platform: ctx.platform, channel: ctx.channel, incidentCluster: inc.cluster, incidentNamespace: inc.namespace };
  const chosen = choosePolicy(deps.config.kubectl, where, cmd);
  if (!chosen.ok) return refuse(chosen.error);
  cluster = chosen.policy.cluster;
  const decision = authorize(chosen.policy, cmd, where);
  if (!decision.ok) return refuse(decision.error);
  const namespace = usesNamespace(cmd) ? decision.namespace : undefined;
  // People with grants may read only where they hold a role; others keep today's channel policy.
  const scope = { cluster, namespace };
  if (ctx.actor.grants?.length && !effectiveRoles(ctx.actor, scope).length) return refuse(`Refused: ${scopeRefusal(ctx.actor, scope, 'run /kubectl on')}`);

  const target = `cluster ${cluster}${namespace ? `, namespace ${namespace}` : ''}`;
  const audited = audit(auditDeps, cluster, entry('ran', target, namespace));
  let out: Output;
  try {
    const apis = deps.apisFor ? deps.apisFor(cluster) : apisFromConfig(deps.config, cluster);
    out = await execute({ apis, timeoutMs: deps.config.kubectl.timeout, now: deps.now?.() ?? Date.now(), cluster }, cmd, decision.namespace);
  } catch (err) {
    if (err instanceof KubeCallError || err instanceof KubeConfigError) return { text: redact(`Error: ${err.message}`), ephemeral: true, incidentId, audited: await audited };
    throw err;
  }
  const max = deps.config.kubectl.maxOutputChars;
  const head = redact(`$ ${cmd.text}`) + `  [${target}]`;
  const body = redact(out.text);
  const capped = cmd.verb === 'logs' ? capTail(body, max - head.length - 1, 'log') : capText(body, max - head.length - 1, 'output');
  const recorded = await record(deps.client, incidentId, ctx.actor, redact(`${cmd.text} (${out.rows} rows)`));
  return { text: `${head}\n${capped}`, ephemeral: false, preformatted: true, incidentId, rows: out.rows, recorded, audited: await audited };
}

function usesNamespace(cmd: KubectlCommand): boolean {
  if (cmd.allNamespaces) return false;
  if (cmd.verb === 'logs') return true;
  if (cmd.verb === 'events') return !(cmd.forObject && !cmd.forObject.type.namespaced);
  if (cmd.verb === 'top') return cmd.targets[0]?.type.name === 'pods';
  return cmd.targets.some((t) => t.type.namespaced);
}

const oneLineOf = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 200);
const firstSentence = (s: string) => s.split('\n')[0]!.replace(/^Refused: /, '').split(/(?<=\.)\s/)[0]!.slice(0, 200);
