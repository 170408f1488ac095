// Runs every benchmark and prints the tables that bench/README.md records.
import { runPolicyBench } from './policy';
import { runIntakeBench } from './intake';

async function main(): Promise<void> {
  console.log('## policy');
  console.table(runPolicyBench());
  console.log('## intake storm');
  console.table(await runIntakeBench());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
