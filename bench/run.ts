// Runs every benchmark and prints the tables that bench/README.md records.
import { runPolicyBench } from './policy';
import { runIntakeBench } from './intake';
import { runReconcileBench } from './reconcile';
import { runIncidentCostBench } from './incident-cost';
import { runBurstBench } from './burst';
import { runPriorityProbe } from './priority';

async function main(): Promise<void> {
  console.log('## policy');
  console.table(runPolicyBench());
  console.log('## intake storm');
  console.table(await runIntakeBench());
  console.log('## reconciliation after a failover');
  console.table(await runReconcileBench());
  console.log('## what one incident costs (Slack calls, history events)');
  console.table(await runIncidentCostBench());
  console.log('## does the server dispatch activities by priority key');
  console.table([await runPriorityProbe(40, 5, 1), await runPriorityProbe(40, 5, 5)]);
  console.log('## P6 burst: 300 incidents in 10 s against Slack limits (budgets on, then off)');
  console.table([await runBurstBench({ budgets: true }), await runBurstBench({ budgets: false })]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
