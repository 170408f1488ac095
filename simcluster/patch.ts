// PATCH bodies: JSON Patch (RFC 6902, the default content type of @kubernetes/client-node) and JSON
// merge patch (RFC 7386). Strategic merge patch is served as a merge patch: lists are replaced, not
// merged by key, which is enough for the status/metadata patches this project sends.
import { badRequest, StatusError } from './status';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch path must start with "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, parts: string[], path: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${path}"`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new StatusError(422, 'Invalid', `doc is missing path: "${path}"`);
  return { parent: cur, key: parts[parts.length - 1]! };
}

function read(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const p of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new StatusError(422, 'Invalid', `doc is missing path: "${path}"`);
  }
  return cur;
}

function remove(doc: unknown, path: string): unknown {
  const { parent, key } = parentOf(doc, pointer(path), path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw new StatusError(422, 'Invalid', `doc is missing path: "${path}"`);
    return parent.splice(i, 1)[0];
  }
  if (!(key in parent)) throw new StatusError(422, 'Invalid', `doc is missing path: "${path}"`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const parts = pointer(path);
  if (parts.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length)) throw new StatusError(422, 'Invalid', `array index out of bounds: "${path}"`);
    if (replace) parent[i] = structuredClone(value);
    else parent.splice(i, 0, structuredClone(value));
  } else {
    if (replace && !(key in parent)) throw new StatusError(422, 'Invalid', `doc is missing key: "${path}"`);
    parent[key] = structuredClone(value);
  }
  return doc;
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch body must be an array of operations');
  let out = structuredClone(doc);
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw badRequest('json patch operations need "op" and "path"');
    switch (op.op) {
      case 'add':
        out = add(out, op.path, op.value, false);
        break;
      case 'replace':
        out = add(out, op.path, op.value, true);
        break;
      case 'remove':
        remove(out, op.path);
        break;
      case 'test':
        if (JSON.stringify(read(out, op.path)) !== JSON.stringify(op.value)) {
          throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${op.path} failed`);
        }
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw badRequest(`json patch "${op.op}" needs "from"`);
        const v = op.op === 'move' ? remove(out, op.from) : structuredClone(read(out, op.from));
        out = add(out, op.path, v, false);
        break;
      }
      default:
        throw badRequest(`json patch: unknown operation "${op.op}"`);
    }
  }
  return out;
}

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

export function applyPatch(contentType: string | undefined, doc: unknown, body: Json): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim();
  if (type === 'application/json-patch+json') return jsonPatch(doc, body);
  if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
    if (!isObject(body)) throw badRequest('merge patch body must be a JSON object');
    return mergePatch(doc, body);
  }
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
}
