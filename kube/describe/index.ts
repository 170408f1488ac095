// `kubectl describe`-like text for the objects an incident is about, one file per kind of object.
// Shared by the diagnostics report and /kubectl describe.
export { describePod } from './pod';
export { describeJob, describeWorkload, rolloutSummary } from './workload';
export { describeNode, nodeProblems } from './node';
export { describePvc, describeStorageClass } from './storage';
export { describeService } from './service';
export { describeObject } from './object';
export { eventsBlock, eventTime, sortEvents } from './events';
