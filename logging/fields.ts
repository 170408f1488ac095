// The fields that tie a log line to an incident. An incident's id is its workflow id
// (`incident/<cluster>/<fingerprint>`), so both are the same string; the run id tells apart the
// occurrences of a problem that recurred after it was resolved.
export const INCIDENT_ID_PREFIX = 'incident/';

export interface IncidentFields {
  incidentId: string;
  workflowId: string;
  runId?: string;
}

export function incidentFields(workflowId: string, runId?: string): IncidentFields {
  return { incidentId: workflowId, workflowId, ...(runId ? { runId } : {}) };
}
