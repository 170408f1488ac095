// Sizing the worker's V8 heaps to its memory limit. Without a cap V8 sizes each isolate's heap from
// the host's memory (4 GiB on a 16 GiB node), so under a burst of new incidents the workflow thread
// lets garbage pile up far past what a 1 GiB pod may hold and the pod is OOM-killed mid-burst
// (bench/README.md, P4: 924 MiB peak at 1,000 open incidents with a cache of 100, 414 MiB once
// collected). The workflow thread is created after start-up, so the worker sets its heap flags
// itself before creating it; the main thread's heap is fixed at process start (NODE_OPTIONS, which
// the Helm chart sets). The sticky cache is sized from the same limit (`maxCachedWorkflows: auto`).
// Plain functions, so the arithmetic and the messages are tested without V8.
import { totalmem } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

const MiB = 1024 * 1024;

/** Share of the memory limit the workflow thread's old generation may use. */
export const WORKFLOW_OLD_SPACE_SHARE = 0.4;
/** Young-generation semi-space per isolate (V8's default on a big host is 64 MiB, x3 for the young generation). */
export const SEMI_SPACE_MIB = 16;
/** The workflow thread's heap with nothing cached: the bundle, the SDK, compiled code. */
export const WORKFLOW_BASE_MIB = 64;
/**
 * Heap per cached incident, with V8's page overhead: 159-196 KiB live (bench/README.md, memory
 * section), pages about 1.6x their live content after a full GC; 0.65 MiB with tracing on (423 KiB live).
 */
export const CACHED_INCIDENT_MIB = 0.4;
export const CACHED_INCIDENT_TRACED_MIB = 0.65;
/** `maxCachedWorkflows: auto` with no limit to size it from (a laptop, `make dev`): the fixed size of earlier releases. */
export const CACHE_WITHOUT_LIMIT = 500;
/**
 * Share of what the workflow heap holds that `auto` caches, rounded down to tens: the rest is room for
 * a burst's garbage. Under a burst a timer is prompt only while its incident is cached, so the cache
 * should be as big as the heap allows (bench/README.md, P4: 770 against 500 under 1 GiB halved the
 * typical escalation lateness of a 10,000-incident burst, p50 7-9 s -> 4 s).
 */
export const AUTO_CACHE_SHARE = 0.9;

export type CacheSetting = number | 'auto';

export interface HeapPlanInput {
  /** `worker.memoryLimit` in bytes, when configured. */
  configured?: number;
  /** `process.constrainedMemory()`: the container's (cgroup) limit, or a huge number when there is none. */
  constrained?: number;
  /** `os.totalmem()`. */
  total: number;
  /** `worker.maxCachedWorkflows`: a number, or `auto` (sized from the limit). */
  maxCachedWorkflows: CacheSetting;
  tracing: boolean;
  /** The main thread's heap limit (`v8.getHeapStatistics().heap_size_limit`), fixed at process start. */
  mainHeapLimit: number;
}

export interface HeapPlan {
  limitBytes: number;
  source: 'worker.memoryLimit' | 'container limit';
  /** --max-old-space-size of the workflow thread (MiB). */
  workflowOldSpaceMiB: number;
  semiSpaceMiB: number;
  /** What the sticky cache is expected to need at most (MiB). */
  cacheNeedMiB: number;
}

export interface HeapPlanResult {
  plan?: HeapPlan;
  /** The sticky cache the worker runs with: the configured number, or what `auto` came to. */
  maxCachedWorkflows: number;
  /** How it was chosen, for the start-up line. */
  cacheSource: 'configured' | 'auto';
  /** The worker must not start: its cache cannot fit the limit (it would be OOM-killed under load). */
  problems: string[];
  /** Worth a line in the log. */
  notes: string[];
}

const mib = (bytes: number) => Math.round(bytes / MiB);

const perIncidentMiB = (tracing: boolean) => (tracing ? CACHED_INCIDENT_TRACED_MIB : CACHED_INCIDENT_MIB);

/** The most incidents a workflow heap of this size holds (0 when it holds only the bundle). */
export function cacheThatFits(workflowOldSpaceMiB: number, tracing: boolean): number {
  return Math.max(0, Math.floor((workflowOldSpaceMiB - WORKFLOW_BASE_MIB) / perIncidentMiB(tracing)));
}

/** What `maxCachedWorkflows: auto` comes to for a workflow heap (or with no limit at all). */
export function autoCacheSize(workflowOldSpaceMiB: number | undefined, tracing: boolean): number {
  if (workflowOldSpaceMiB === undefined) return CACHE_WITHOUT_LIMIT;
  return Math.floor((cacheThatFits(workflowOldSpaceMiB, tracing) * AUTO_CACHE_SHARE) / 10) * 10;
}

export function planHeap(input: HeapPlanInput): HeapPlanResult {
  const { configured, constrained, total, tracing, mainHeapLimit } = input;
  const auto = input.maxCachedWorkflows === 'auto';
  const cacheSource = auto ? 'auto' : 'configured';
  const fromContainer = constrained !== undefined && constrained > 0 && constrained < total ? constrained : undefined;
  const limitBytes = configured ?? fromContainer;
  if (limitBytes === undefined)
    return {
      maxCachedWorkflows: auto ? autoCacheSize(undefined, tracing) : (input.maxCachedWorkflows as number),
      cacheSource,
      problems: [],
      notes: [`no memory limit (worker.memoryLimit unset, no container limit): V8 sizes the heaps from the host's ${mib(total)} MiB; set worker.memoryLimit to the memory this worker may use`],
    };
  const source = configured !== undefined ? 'worker.memoryLimit' : 'container limit';
  const workflowOldSpaceMiB = Math.floor((limitBytes * WORKFLOW_OLD_SPACE_SHARE) / MiB);
  const maxCachedWorkflows = auto ? autoCacheSize(workflowOldSpaceMiB, tracing) : (input.maxCachedWorkflows as number);
  const cacheNeedMiB = Math.ceil(WORKFLOW_BASE_MIB + maxCachedWorkflows * perIncidentMiB(tracing));
  const plan: HeapPlan = { limitBytes, source, workflowOldSpaceMiB, semiSpaceMiB: SEMI_SPACE_MIB, cacheNeedMiB };
  const problems: string[] = [];
  const notes: string[] = [];
  if (cacheNeedMiB > workflowOldSpaceMiB) {
    const needed = Math.ceil((cacheNeedMiB / WORKFLOW_OLD_SPACE_SHARE) * MiB);
    problems.push(
      `worker.maxCachedWorkflows ${maxCachedWorkflows} needs about ${cacheNeedMiB} MiB of workflow heap${tracing ? ' (tracing on)' : ''}, ` +
        `but the ${source} of ${mib(limitBytes)} MiB leaves it ${workflowOldSpaceMiB} MiB (${WORKFLOW_OLD_SPACE_SHARE * 100}%): ` +
        `lower worker.maxCachedWorkflows to ${cacheThatFits(workflowOldSpaceMiB, tracing)} or less (or set it to auto), or raise the memory limit to at least ${mib(needed)} MiB`,
    );
  }
  if (auto && maxCachedWorkflows === 0)
    notes.push(`the ${source} of ${mib(limitBytes)} MiB leaves no room for a sticky cache: every workflow task replays its incident's history; raise the limit (1Gi holds ${autoCacheSize(Math.floor(1024 * WORKFLOW_OLD_SPACE_SHARE), tracing)} incidents)`);
  // The main thread's heap was fixed when the process started: say when it could outgrow the rest.
  const mainRoomMiB = mib(limitBytes) - workflowOldSpaceMiB - 3 * SEMI_SPACE_MIB - 128; // 128: native (Temporal core, buffers)
  if (mib(mainHeapLimit) > mainRoomMiB)
    notes.push(
      `the main thread's heap may grow to ${mib(mainHeapLimit)} MiB, more than the ${Math.max(0, mainRoomMiB)} MiB the ${source} leaves it: ` +
        `start the worker with NODE_OPTIONS="--max-old-space-size=${Math.max(128, Math.floor(mainRoomMiB * 0.8))} --max-semi-space-size=${SEMI_SPACE_MIB}" (the Helm chart does)`,
    );
  return { plan, maxCachedWorkflows, cacheSource, problems, notes };
}

/** One line for the start-up log. */
export function describeHeapPlan(plan: HeapPlan, maxCachedWorkflows: number, cacheSource: HeapPlanResult['cacheSource']): string {
  const sized = cacheSource === 'auto' ? ` (auto: ${AUTO_CACHE_SHARE * 100}% of what it holds)` : '';
  return `workflow heap capped at ${plan.workflowOldSpaceMiB} MiB (semi-space ${plan.semiSpaceMiB} MiB) for the ${plan.source} of ${mib(plan.limitBytes)} MiB; a sticky cache of ${maxCachedWorkflows} incidents${sized} needs about ${plan.cacheNeedMiB} MiB`;
}

/**
 * Applies the plan to isolates created from now on (the workflow thread the Worker starts): V8 reads
 * these flags when it configures a new isolate's heap; the running main isolate keeps its own.
 */
export function applyHeapPlan(plan: HeapPlan): void {
  setFlagsFromString(`--max-old-space-size=${plan.workflowOldSpaceMiB}`);
  setFlagsFromString(`--max-semi-space-size=${plan.semiSpaceMiB}`);
}

/** The inputs from this process. */
export function heapPlanInput(configured: number | undefined, maxCachedWorkflows: CacheSetting, tracing: boolean): HeapPlanInput {
  return { configured, constrained: process.constrainedMemory?.(), total: totalmem(), maxCachedWorkflows, tracing, mainHeapLimit: getHeapStatistics().heap_size_limit };
}
