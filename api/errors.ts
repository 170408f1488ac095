// Typed errors of the api. Each carries the HTTP status, a stable code for programs and a sentence a
// person can act on; REST renders them as `{ error: { code, message, fields? } }`, chat shows the
// message as it is.
import type { FieldError } from '../intake/schema';

export type { FieldError };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): { error: { code: string; message: string; fields?: FieldError[] } } {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}

export class ValidationError extends ApiError {
  constructor(code: string, message: string, fields: FieldError[]) {
    super(400, code, message, fields);
    this.name = 'ValidationError';
  }
}

export class IncidentNotFoundError extends ApiError {
  constructor(readonly incidentId: string) {
    super(404, 'incident_not_found', `No incident "${incidentId}". List open incidents with GET /api/incidents (or /incident list in chat).`);
    this.name = 'IncidentNotFoundError';
  }
}

export class InvalidIncidentIdError extends ApiError {
  constructor(readonly incidentId: string) {
    super(400, 'invalid_incident_id', `"${incidentId}" is not an incident id: ids look like incident/<cluster>/<fingerprint> (URL-encode the slashes in paths).`);
    this.name = 'InvalidIncidentIdError';
  }
}

export class IncidentClosedError extends ApiError {
  constructor(
    readonly incidentId: string,
    readonly executionStatus: string,
  ) {
    super(
      409,
      'incident_closed',
      executionStatus === 'COMPLETED'
        ? `Incident ${incidentId} is already resolved; nothing to change. If the problem is back, the next anomaly opens a new incident.`
        : `Incident ${incidentId} was closed by an operator (${executionStatus.toLowerCase()}) and no longer accepts changes.`,
    );
    this.name = 'IncidentClosedError';
  }
}

/** The workflow answered `refused`: the person may not do this (recorded in the incident timeline). */
export class RefusedError extends ApiError {
  constructor(message: string) {
    super(403, 'refused', message);
    this.name = 'RefusedError';
  }
}

export class TemporalUnavailableError extends ApiError {
  constructor(message: string) {
    super(503, 'temporal_unavailable', message);
    this.name = 'TemporalUnavailableError';
  }
}

export class TemporalTimeoutError extends ApiError {
  constructor(message: string) {
    super(504, 'temporal_timeout', message);
    this.name = 'TemporalTimeoutError';
  }
}
