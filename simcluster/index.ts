// A loopback Kubernetes API server for tests and `make dev`: real wire protocol (lists, watches with
// bookmarks and 410 Gone, selectors, pods/log, Leases with optimistic concurrency, discovery, RBAC-like
// refusals), fault injection, and deterministic incident scenarios. See simcluster/README.md.
export type {
  CoreV1Event, EventInput, KubeObject, ObjectMeta, ObjectReference, OwnerReference, RequestRecord, SimCluster,
  SimClusterOptions, SimFaults, TokenName,
} from './types';
export { startSimCluster } from './cluster';
export { PLANTED_SECRETS, recover, scenarios, SCENARIO_NAMES, tick, type ScenarioName, type ScenarioOptions } from './scenarios';
