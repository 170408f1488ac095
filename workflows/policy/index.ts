// Pure policy code (on-call, escalation, routing, authorization): no Temporal, no I/O, no clock.
export { onCallAt, whoIsOnCall, localTimeAt, localToInstant, parseDay, type OnCallAnswer } from './oncall';
export {
  firstPosition,
  nextPosition,
  levelAt,
  resolveTargets,
  describeTarget,
  describeLevel,
  type EscalationPosition,
  type EscalationTarget,
  type PageTarget,
} from './escalation';
export { route, matches, globMatch, anomalyNamespace, type RoutingDecision } from './routing';
export { authorize, type Authorization, type AuthorizeState, type HandoffTarget } from './authorize';
export { effectiveRoles, grantCovers, hasAnyRole, narrowByToken, scopeRefusal, grantsPath, type Scope } from './scope';
