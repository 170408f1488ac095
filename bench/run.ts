// Runs every benchmark and prints the tables that bench/README.md records.
import { runPolicyBench } from './policy';
import { runIntakeBench } from './intake';
import { runReconcileBench } from './reconcile';
import { runIncidentCostBench } from './incident-cost';

async function main(): Promise<void> {
  console.log('## policy');
  console.table(runPolicyBench());
  console.log('## intake storm');
  console.table(await runIntakeBench());
  console.log('## reconciliation after a failover');
  console.table(await runReconcileBench());
  console.log('## what one incident costs (Slack calls, history events)');
  console.table(await runIncidentCostBench());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
