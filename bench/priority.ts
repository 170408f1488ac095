// Does the Temporal server dispatch activity tasks by priority key? A backlog of low-priority
// (key 5) activities is queued first, then a few urgent ones (key 1); one worker slot drains them.
// With priorities honoured the urgent ones run soon after the slot frees, not after the backlog;
// the same run with the urgent ones at key 5 is the control.
// Run: node -r @swc-node/register bench/priority.ts [backlog] [urgent]
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { startDevServer } from '../test/helpers/temporal';

export interface PriorityProbe {
  /** Priority key of the urgent activities (5 = the same as the backlog: the FIFO control). */
  urgentKey: number;
  backlog: number;
  urgent: number;
  /** 1-based positions at which the urgent activities ran. */
  urgentRanAt: string;
  /** Mean position of the urgent activities; strict FIFO would put them at the very end. */
  meanPosition: number;
  fifoMeanPosition: number;
}

export async function runPriorityProbe(backlog = 40, urgent = 5, urgentKey = 1): Promise<PriorityProbe> {
  const env = await startDevServer();
  const order: string[] = [];
  try {
    const taskQueue = `priority-${Date.now()}`;
    const start = (label: string, key: number) =>
      env.client.workflow.start('priorityProbe', { taskQueue, workflowId: `${taskQueue}-${label}`, args: [label, key] });
    // Workflow tasks first (a worker without activities), so every activity task sits in the backlog.
    const handles: WorkflowHandle[] = [];
    for (let i = 0; i < backlog; i++) handles.push(await start(`low${i}`, 5));
    for (let i = 0; i < urgent; i++) handles.push(await start(`urgent${i}`, urgentKey));
    const wfOnly = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('./fixtures/priority-workflow'), activities: {} });
    const stopWf = wfOnly.runUntil(async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const scheduled = await Promise.all(handles.map(async (h) => ((await h.fetchHistory()).events ?? []).some((e) => !!e.activityTaskScheduledEventAttributes)));
        if (scheduled.every(Boolean)) return;
        if (Date.now() > deadline) throw new Error('activities were not all scheduled within 60 s');
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    await stopWf;
    const actWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./fixtures/priority-workflow'),
      maxConcurrentActivityTaskExecutions: 1,
      activities: { work: async (label: string) => { order.push(label); await new Promise((r) => setTimeout(r, 20)); } },
    });
    await actWorker.runUntil(Promise.all(handles.map((h) => h.result())));
  } finally {
    await env.teardown();
  }
  const at = order.map((l, i) => (l.startsWith('urgent') ? i + 1 : 0)).filter(Boolean);
  // The dev server splits a task queue into partitions and orders by priority within each one, so
  // the order is close to, not exactly, the priority order (docs: Task Queue Priority).
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10;
  return { urgentKey, backlog, urgent, urgentRanAt: at.join(','), meanPosition: mean(at), fifoMeanPosition: backlog + (urgent + 1) / 2 };
}

if (require.main === module) {
  const [b, u] = process.argv.slice(2).map(Number);
  (async () => [await runPriorityProbe(b || undefined, u || undefined, 1), await runPriorityProbe(b || undefined, u || undefined, 5)])()
    .then((r) => console.table(r))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
