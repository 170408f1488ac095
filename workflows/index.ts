// Entry point of the workflow bundle: every workflow type the worker registers.
export { incidentWorkflow } from './incident';
export { kubectlAuditWorkflow } from './audit';
export { silencesWorkflow } from './silences';
