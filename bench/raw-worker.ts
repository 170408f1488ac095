// The raw ceiling's worker as its own process, like the project's worker: it runs
// fixtures/raw-workflow.ts, and its one activity POSTs the workflow id to the bench's sink, as the
// project's alert is one chat.postMessage to the fake Slack.
// Run by bench/lib/raw.ts: node -r @swc-node/register bench/raw-worker.ts <address> <taskQueue> <sinkUrl>
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const [address, taskQueue, sinkUrl] = process.argv.slice(2);
  if (!address || !taskQueue || !sinkUrl) throw new Error('usage: raw-worker.ts <address> <taskQueue> <sinkUrl>');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./fixtures/raw-workflow'),
    activities: {
      async alert(id: string) {
        const res = await fetch(sinkUrl, { method: 'POST', body: id });
        if (!res.ok) throw new Error(`sink answered ${res.status}`);
      },
    },
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
