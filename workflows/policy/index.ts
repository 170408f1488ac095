// Pure policy code (on-call, escalation, routing, authorization): no Temporal, no I/O, no clock.
export { onCallAt, whoIsOnCall, onCallNowAndNext, localTimeAt, localToInstant, parseDay, type OnCallAnswer, type OnCallShift } from './oncall';
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
export { nextAlertUpdateWait, STORM_DEBOUNCE_CAP_MS } from './alert-updates';
export { route, matches, globMatch, anomalyNamespace, type RoutingDecision } from './routing';
export { authorize, authorizeRead, type Authorization, type AuthorizeState, type HandoffTarget } from './authorize';
export { effectiveRoles, grantCovers, hasAnyRole, narrowByToken, scopeRefusal, grantsPath, readableScopes, type Scope } from './scope';
