import type { SimCluster } from '../types';

export interface ScenarioOptions {
  /** Namespace of the scenario's objects (each scenario has its own default, e.g. `shop`). */
  namespace?: string;
  /** Name of the main object (Deployment, Node, Job, Backup, Certificate...). */
  name?: string;
  /** Pods of a workload scenario (crashLoopRollout defaults to 10). */
  replicas?: number;
  /** How many rounds of trouble happen at start (restartCount / event count reached), default 3. */
  restarts?: number;
  /** Receives one line per thing the scenario does (the CLI prints them). */
  say?: (line: string) => void;
}

export interface ScenarioImpl {
  run(c: SimCluster, o: ScenarioOptions, say: (line: string) => void): void;
  /** One more round of the same trouble (restart counts and event counts rise). */
  tick?(c: SimCluster, o: ScenarioOptions, say: (line: string) => void): void;
  /** Bring the scenario's objects back to healthy. */
  recover(c: SimCluster, o: ScenarioOptions, say: (line: string) => void): void;
}
