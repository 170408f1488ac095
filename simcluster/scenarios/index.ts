// Deterministic incident scenarios (same names and owner chains every run), each with a recovery
// and, where the trouble repeats, a tick that makes counts rise.
import type { SimCluster } from '../types';
import { certNotReady, failedJob, failedVeleroBackup, nodeNotReady, pvcPending } from './infra';
import type { ScenarioImpl, ScenarioOptions } from './types';
import { crashLoopRollout, imageTypo, oomKilled, probeFailure } from './workloads';
import { initCrashLoop } from './init';

export { PLANTED_SECRETS } from './workloads';
export type { ScenarioOptions } from './types';

const IMPLS = {
  crashLoopRollout,
  imageTypo,
  oomKilled,
  probeFailure,
  initCrashLoop,
  nodeNotReady,
  pvcPending,
  failedJob,
  failedVeleroBackup,
  certNotReady,
} satisfies Record<string, ScenarioImpl>;

export type ScenarioName = keyof typeof IMPLS;
export const SCENARIO_NAMES = Object.keys(IMPLS) as ScenarioName[];

const quiet = () => undefined;

function impl(name: string): ScenarioImpl {
  if (!Object.prototype.hasOwnProperty.call(IMPLS, name)) {
    throw new Error(`unknown scenario "${name}"; choose one of: ${SCENARIO_NAMES.join(', ')}`);
  }
  return IMPLS[name as ScenarioName];
}

export const scenarios = Object.fromEntries(
  SCENARIO_NAMES.map((n) => [n, (c: SimCluster, o: ScenarioOptions = {}) => impl(n).run(c, o, o.say ?? quiet)]),
) as Record<ScenarioName, (c: SimCluster, opts?: ScenarioOptions) => void>;

/** Brings a scenario's objects back to healthy (pods running+ready, node Ready, job succeeded...). */
export function recover(c: SimCluster, scenario: ScenarioName, o: ScenarioOptions = {}): void {
  impl(scenario).recover(c, o, o.say ?? quiet);
}

/** One more round of the scenario's trouble (restartCount and event counts rise); no-op when static. */
export function tick(c: SimCluster, scenario: ScenarioName, o: ScenarioOptions = {}): void {
  impl(scenario).tick?.(c, o, o.say ?? quiet);
}
