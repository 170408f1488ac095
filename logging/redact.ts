// Fields that hold credentials, redacted by name. pino's redact paths do it at the top level and
// under named fields (request headers, error configs); "the same name one level down, under any
// field" is done here instead of with pino's `*.token` paths: pino runs those on every field of
// every line, which was about three quarters of a line's cost (issue 11, the api's CPU per POST).
// Here only a field whose value is an object is looked into, and only one holding such a name is
// copied (the logged value itself is never changed).

export const CENSOR = '[redacted]';

/** Field names whose values are never printed, at the top level of a line and one level down. */
export const SECRET_FIELDS = ['token', 'password', 'apiKey', 'secret', 'botToken', 'signingSecret', 'appPassword', 'routingKey'] as const;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * A copy of `v` with the same prototype (an Error stays an Error for pino's serializer) and its own
 * properties as values, enumerable or not (an Error's stack is an accessor that reads `v` itself).
 */
function copyOf(v: object): Record<PropertyKey, unknown> {
  const copy = Object.create(Object.getPrototypeOf(v)) as Record<PropertyKey, unknown>;
  for (const k of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, k)!;
    Object.defineProperty(copy, k, { value: (v as Record<PropertyKey, unknown>)[k], enumerable: d.enumerable, writable: true, configurable: true });
  }
  return copy;
}

/** `v` with its secret fields censored (a copy), or `v` itself when it holds none. */
function censorFields(v: object): object {
  let copy: Record<PropertyKey, unknown> | undefined;
  for (const k of SECRET_FIELDS) {
    if (!hasOwn(v, k)) continue;
    copy ??= copyOf(v);
    Object.defineProperty(copy, k, { value: CENSOR, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? v;
}

/**
 * The fields of a log call (or a child logger's bindings) with the secret fields of every object
 * field censored; the same object when there is nothing to censor. Arrays are left as they are
 * (pino's `*.token` did not look into them either).
 */
export function censorNestedSecrets<T extends object>(fields: T): T {
  const f = fields as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in f) {
    const v = f[key];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
    const censored = censorFields(v);
    if (censored !== v) (out ??= { ...f })[key] = censored;
  }
  return (out ?? fields) as T;
}
