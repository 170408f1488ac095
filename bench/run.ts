// Runs every benchmark and prints the tables that bench/README.md records.
import { runPolicyBench } from './policy';
import { runIntakeBench } from './intake';
import { runReconcileBench } from './reconcile';

async function main(): Promise<void> {
  console.log('## policy');
  console.table(runPolicyBench());
  console.log('## intake storm');
  console.table(await runIntakeBench());
  console.log('## reconciliation after a failover');
  console.table(await runReconcileBench());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
