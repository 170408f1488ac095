// The raw ceiling's worker as its own process, like the project's worker: it runs the prebuilt
// bundle of fixtures/raw-workflow.ts, and its activities POST the workflow id to the bench's sink,
// as the project's alert is one chat.postMessage to the fake Slack (`page` POSTs to <sink>/page).
// Run by bench/lib/raw.ts as plain Node (type stripping: keep this file free of enums and other
// syntax that needs compiling) so neither swc nor webpack inflates the RSS that P4 reports:
//   node bench/raw-worker.ts <address> <taskQueue> <sinkUrl> <workflowBundle.js> [options JSON]
// options: the project's worker tuning keys (maxCachedWorkflows, ...) and sdkMetricsPort.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

const TUNING = ['maxCachedWorkflows', 'maxConcurrentWorkflowTaskExecutions', 'maxConcurrentActivityTaskExecutions', 'maxConcurrentWorkflowTaskPolls', 'maxConcurrentActivityTaskPolls'];

function parseOptions(json: string | undefined): { tuning: Record<string, number>; sdkMetricsPort?: number } {
  const opts: unknown = JSON.parse(json ?? '{}');
  if (typeof opts !== 'object' || opts === null) throw new Error(`options must be a JSON object, got ${json}`);
  const tuning: Record<string, number> = {};
  let sdkMetricsPort: number | undefined;
  for (const [key, value] of Object.entries(opts)) {
    if (!Number.isInteger(value)) throw new Error(`option ${key} must be a whole number, got ${JSON.stringify(value)}`);
    if (key === 'sdkMetricsPort') sdkMetricsPort = value as number;
    else if (TUNING.includes(key)) tuning[key] = value as number;
    else throw new Error(`unknown option ${key}: use sdkMetricsPort or ${TUNING.join(', ')}`);
  }
  return { tuning, sdkMetricsPort };
}

async function post(url: string, id: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: id });
  if (!res.ok) throw new Error(`sink answered ${res.status}`);
}

async function main(): Promise<void> {
  const [address, taskQueue, sinkUrl, bundle, json] = process.argv.slice(2);
  if (!address || !taskQueue || !sinkUrl || !bundle) throw new Error('usage: raw-worker.ts <address> <taskQueue> <sinkUrl> <workflowBundle.js> [options JSON]');
  const { tuning, sdkMetricsPort } = parseOptions(json);
  // The sticky-cache counters P4 reads, served as the incident worker serves them (worker/metrics.ts).
  const metrics = sdkMetricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}`, useSecondsForDurations: true } } } : undefined;
  Runtime.install({ logger: new DefaultLogger('WARN'), ...(metrics && { telemetryOptions: metrics }) });
  const connection = await NativeConnection.connect({ address });
  const pageUrl = new URL('page', sinkUrl).toString();
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: { codePath: bundle },
    activities: { alert: (id: string) => post(sinkUrl, id), page: (id: string) => post(pageUrl, id) },
    ...tuning,
  });
  process.on('SIGTERM', () => worker.shutdown());
  process.stdout.write('raw worker polling\n');
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`raw worker failed: ${(err as Error).message}\n`);
  process.exit(1);
});
