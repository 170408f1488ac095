// meta/v1 Status bodies with the reasons and messages the real API server uses, so client code that
// branches on `reason`/`code` (or shows `message`) behaves as it will against a real cluster.
import { qualifiedResource, type ResourceDef } from './resources';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; retryAfterSeconds?: number };
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusBody['details'],
  ) {
    super(message);
  }

  body(): StatusBody {
    const b: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) b.details = this.details;
    return b;
  }
}

function details(d: ResourceDef, name?: string): StatusBody['details'] {
  return { ...(name ? { name } : {}), ...(d.group ? { group: d.group } : {}), kind: d.plural };
}

export const notFound = (d: ResourceDef, name: string) =>
  new StatusError(404, 'NotFound', `${qualifiedResource(d)} "${name}" not found`, details(d, name));

export const alreadyExists = (d: ResourceDef, name: string) =>
  new StatusError(409, 'AlreadyExists', `${qualifiedResource(d)} "${name}" already exists`, details(d, name));

export const conflict = (d: ResourceDef, name: string) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(d)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(d, name),
  );

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

export const invalid = (d: ResourceDef, name: string, cause: string) =>
  new StatusError(422, 'Invalid', `${d.kind} "${name}" is invalid: ${cause}`, details(d, name));

export const expired = (message: string) => new StatusError(410, 'Expired', message);

export const unauthorized = () => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const resourceNotFound = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

export const methodNotAllowed = (method: string) =>
  new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);

/** What the injected-failure fault answers, by HTTP status. */
export function faultError(code: number): StatusError {
  if (code === 429) return new StatusError(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', { retryAfterSeconds: 1 });
  if (code === 503) return new StatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
  if (code === 504) return new StatusError(504, 'Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request');
  return new StatusError(code, 'InternalError', 'Internal error occurred: injected fault (simulated cluster)');
}
