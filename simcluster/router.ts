// The API server's request pipeline: latency fault, authentication, injected failures, discovery,
// then the REST verbs on resources (list/watch/get/create/update/patch/delete, status, pods/log).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Authenticator, authorize, type Verb } from './auth';
import { apiGroupList, apiResourceList, apiVersions, version } from './discovery';
import type { Faults } from './faults';
import { type Ctx, queryFlag, queryInt, readJson, send, sendError } from './http';
import { podLogs } from './logs';
import { applyPatch } from './patch';
import { findByPath, groupVersion, type ResourceDef } from './resources';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';
import { badRequest, expired, methodNotAllowed, notFound, resourceNotFound, StatusError, unauthorized } from './status';
import type { Store } from './store';
import type { KubeObject, RequestRecord } from './types';
import type { WatchHub } from './watch';

export interface RouterDeps {
  store: Store;
  watches: WatchHub;
  faults: Faults;
  auth: Authenticator;
  leaseNamespace: string;
  log: RequestRecord[];
  address: () => string;
}

interface Target {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** /api/v1/... or /apis/<group>/<version>/... -> the resource addressed, or undefined. */
export function parseTarget(path: string): Target | undefined {
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) [group, version, rest] = ['', seg[1]!, seg.slice(2)];
  else if (seg[0] === 'apis' && seg.length >= 4) [group, version, rest] = [seg[1]!, seg[2]!, seg.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && findByPath(group, version, rest[2]!)?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = findByPath(group, version, rest[0]!);
  if (!def || rest.length > 3 || (def.namespaced && !namespace && rest.length > 1)) return undefined;
  return { def, namespace, name: rest[1], subresource: rest[2] };
}

export function createHandler(deps: RouterDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const entry: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), status: 0, token: 'none' };
    deps.log.push(entry);
    const ctx: Ctx = { req, res, url, entry };
    try {
      await route(deps, ctx);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof StatusError) sendError(ctx, err);
      else if (err instanceof SelectorError) sendError(ctx, badRequest(err.message));
      else sendError(ctx, new StatusError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`));
    }
  };
}

async function route(deps: RouterDeps, ctx: Ctx): Promise<void> {
  const { url, req } = ctx;
  if (deps.faults.latencyMs > 0) await sleep(deps.faults.latencyMs);
  const path = url.pathname.replace(/\/+$/, '') || '/';
  // Health and version are public on a real cluster (system:public-info-viewer).
  if (['/healthz', '/livez', '/readyz'].includes(path)) return send(ctx, 200, 'ok');
  if (path === '/version') return send(ctx, 200, version());

  const who = deps.auth.authenticate(req.headers.authorization);
  ctx.entry.token = typeof who === 'string' ? who : who.token;
  if (typeof who === 'string') throw unauthorized();
  const fault = deps.faults.takeFailure();
  if (fault) throw fault;

  if (path === '/api') return send(ctx, 200, apiVersions(deps.address()));
  if (path === '/apis') return send(ctx, 200, apiGroupList());
  const gv = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
  if (gv) {
    const [group, ver] = gv[1]!.includes('/') ? gv[1]!.split('/') : ['', gv[1]!];
    const list = apiResourceList(group!, ver!);
    if (!list) throw resourceNotFound();
    return send(ctx, 200, list);
  }

  const t = parseTarget(path);
  if (!t) throw resourceNotFound();
  const verb = verbOf(req.method ?? 'GET', t, url);
  if (!verb) throw methodNotAllowed(req.method ?? '');
  const denied = authorize(who, { verb, def: t.def, subresource: t.subresource, namespace: t.namespace, name: t.name }, deps.leaseNamespace);
  if (denied) throw denied;
  if (t.subresource && !(t.subresource === 'status' && t.def.statusSubresource) && !(t.subresource === 'log' && t.def.kind === 'Pod' && verb === 'get')) {
    throw resourceNotFound();
  }
  await handleResource(deps, ctx, t, verb);
}

function verbOf(method: string, t: Target, url: URL): Verb | undefined {
  switch (method) {
    case 'GET':
      if (t.name) return 'get';
      return queryFlag(url, 'watch') ? 'watch' : 'list';
    case 'POST':
      return t.name ? undefined : 'create';
    case 'PUT':
      return t.name ? 'update' : undefined;
    case 'PATCH':
      return t.name ? 'patch' : undefined;
    case 'DELETE':
      return t.name ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/** What the real server puts in typed lists: items without kind/apiVersion (custom resources keep them). */
function listItem(def: ResourceDef, o: KubeObject): unknown {
  if (def.custom) return o;
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
}

function selected(ctx: Ctx, t: Target) {
  const labels = parseLabelSelector(ctx.url.searchParams.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(ctx.url.searchParams.get('fieldSelector') ?? undefined, ['metadata.name', 'metadata.namespace', ...t.def.fieldLabels]);
  return { labels, fields, match: (o: KubeObject) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o) };
}

function checkBody(t: Target, body: unknown): KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
  const obj = body as KubeObject;
  obj.metadata ??= { name: '' };
  const gv = groupVersion(t.def);
  if (obj.apiVersion && obj.apiVersion !== gv) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
  if (obj.kind && obj.kind !== t.def.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${t.def.kind})`);
  if (t.def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== t.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (t.name && obj.metadata.name && obj.metadata.name !== t.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${t.name})`);
  }
  return { ...obj, apiVersion: gv, kind: t.def.kind, metadata: { ...obj.metadata, ...(t.def.namespaced ? { namespace: t.namespace } : {}), ...(t.name ? { name: t.name } : {}) } };
}

/** Built-in resources answer a delete with a Success Status; pods and custom resources return the object. */
function deleted(t: Target, o: KubeObject): unknown {
  if (t.def.kind === 'Pod' || t.def.custom) return o;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: o.metadata.name, ...(t.def.group ? { group: t.def.group } : {}), kind: t.def.plural, uid: o.metadata.uid } };
}

async function handleResource(deps: RouterDeps, ctx: Ctx, t: Target, verb: Verb): Promise<void> {
  const { store } = deps;
  const { url } = ctx;
  const sub = t.subresource === 'status' ? 'status' : undefined;
  switch (verb) {
    case 'get': {
      if (t.subresource === 'log') return send(ctx, 200, podLogs(store, t.namespace!, t.name!, url));
      const o = store.get(t.def, t.namespace, t.name!);
      if (!o) throw notFound(t.def, t.name!);
      return send(ctx, 200, o);
    }
    case 'list': {
      const { match } = selected(ctx, t);
      const limit = queryInt(url, 'limit');
      const cont = url.searchParams.get('continue') ?? '';
      let items = store.list(t.def, t.namespace).filter(match);
      let rv = store.currentRv();
      if (cont) {
        const token = decodeContinue(cont);
        if (token.rv < store.oldestRv()) {
          throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        }
        rv = token.rv;
        items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > token.after);
      }
      const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
      if (limit && items.length > limit) {
        const last = items[limit - 1]!;
        metadata.continue = Buffer.from(JSON.stringify({ rv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
        metadata.remainingItemCount = items.length - limit;
        items = items.slice(0, limit);
      }
      return send(ctx, 200, { kind: `${t.def.kind}List`, apiVersion: groupVersion(t.def), metadata, items: items.map((o) => listItem(t.def, o)) });
    }
    case 'watch': {
      const { labels, fields } = selected(ctx, t);
      const rvParam = url.searchParams.get('resourceVersion') ?? '';
      if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a whole number`);
      const fromRv = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
      const timeoutSeconds = queryInt(url, 'timeoutSeconds');
      deps.watches.open(ctx.req, ctx.res, { def: t.def, namespace: t.namespace, labels, fields, fromRv, bookmarks: queryFlag(url, 'allowWatchBookmarks'), timeoutSeconds });
      ctx.entry.status = 200;
      return;
    }
    case 'create': {
      const obj = checkBody(t, await readJson(ctx.req));
      return send(ctx, 201, store.create(t.def, obj, 'api'));
    }
    case 'update': {
      const obj = checkBody(t, await readJson(ctx.req));
      return send(ctx, 200, store.update(t.def, obj, 'api', sub));
    }
    case 'patch': {
      const body = (await readJson(ctx.req)) as never;
      const current = store.get(t.def, t.namespace, t.name!);
      if (!current) throw notFound(t.def, t.name!);
      const patched = applyPatch(ctx.req.headers['content-type'], current, body);
      return send(ctx, 200, store.update(t.def, checkBody(t, patched), 'api', sub));
    }
    case 'delete': {
      const opts = ((await readJson(ctx.req)) ?? {}) as { propagationPolicy?: string; preconditions?: { resourceVersion?: string } };
      const propagation = opts.propagationPolicy ?? url.searchParams.get('propagationPolicy') ?? undefined;
      const gone = store.delete(t.def, t.namespace, t.name!, { propagation, expectRv: opts.preconditions?.resourceVersion });
      return send(ctx, 200, deleted(t, gone));
    }
    case 'deletecollection': {
      const { match } = selected(ctx, t);
      const gone = store
        .list(t.def, t.namespace)
        .filter(match)
        .map((o) => store.delete(t.def, o.metadata.namespace, o.metadata.name));
      return send(ctx, 200, { kind: `${t.def.kind}List`, apiVersion: groupVersion(t.def), metadata: { resourceVersion: String(store.currentRv()) }, items: gone.map((o) => listItem(t.def, o)) });
    }
  }
}

function decodeContinue(token: string): { rv: number; after: string } {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: unknown; after: unknown };
    if (typeof v.rv === 'number' && typeof v.after === 'string') return { rv: v.rv, after: v.after };
  } catch {
    // fall through to the refusal below
  }
  throw badRequest('continue key is not valid: the continue token could not be decoded; start a new list without it');
}
