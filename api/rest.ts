// REST: incidents (list, show, ack, handoff, resolve), anomaly intake and postmortems, all behind a
// bearer token. Inputs are validated here so the caller gets every field problem at once; the
// incident decides the rest (refusals are its answer, recorded in its timeline).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../config/schema';
import { SEVERITIES, type CommandResult } from '../workflows/definitions';
import { ID_PART, fieldErrors } from '../intake/schema';
import { registerAnomalyRoutes } from './anomalies';
import type { Principal, TokenAuthenticator } from './auth';
import { ApiError, ValidationError } from './errors';
import { resolveHandoffTarget } from './identity';
import { ACTION_VERB, LIST_STATUSES, MAX_LIST_LIMIT, checkIncidentId, getIncident, listIncidents, runAction, type ActionInput, type IncidentAction } from './incidents';
import { listPostmortems, parsePostmortemQuery, sendPostmortem, type PostmortemReader } from './postmortems';
import { incidentFields } from '../logging/fields';
import { registerSilenceRoutes } from './silences';
import { COMMANDS, commandBody } from './commands/rest-bodies';
import { COMMAND_VERB, runIncidentCommand, type IncidentCommandName } from './commands/oncall';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface RestDeps {
  config: Config;
  client: Client;
  auth: TokenAuthenticator;
  postmortems: PostmortemReader;
}

const REALM = 'Bearer realm="k8s-incident-flow"';
const ACTIONS = ['ack', 'handoff', 'resolve'] as const;

const listQuerySchema = z
  .object({
    status: z.enum(LIST_STATUSES, { error: `status must be one of ${LIST_STATUSES.join(', ')}` }).optional(),
    severity: z.enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(', ')}` }).optional(),
    cluster: z.string().regex(ID_PART, 'cluster may only contain letters, digits, ".", "_", ":" and "-"').max(63).optional(),
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'namespace must be a Kubernetes namespace name').optional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(MAX_LIST_LIMIT, `limit is at most ${MAX_LIST_LIMIT}`)
      .optional(),
  })
  .strict();

/** Zod's type error, worded for people: missing and wrongly typed fields need different fixes. */
const missingOr = (missing: string, wrongType: string) => (issue: { input?: unknown }) => (issue.input === undefined ? missing : wrongType);

const bodySchemas = {
  ack: z.object({}).strict(),
  handoff: z
    .object({
      to: z.string({ error: missingOr('to is required: the person to hand off to, e.g. "bob" or "@bob"', 'to must be a string naming a person, e.g. "bob" or "@bob"') }).trim().min(1, 'to must name a person, e.g. "bob" or "@bob"').max(200),
      note: z.string({ error: 'note must be a string' }).max(2000, 'note is at most 2000 characters').optional(),
    })
    .strict(),
  resolve: z
    .object({
      summary: z.string({ error: missingOr('summary is required: say what fixed it', 'summary must be a string: say what fixed it') }).trim().min(1, 'summary must not be empty: say what fixed it').max(4000, 'summary is at most 4000 characters'),
    })
    .strict(),
} as const;

function authHook(auth: TokenAuthenticator) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const principal = auth.authenticate(header);
    if (principal) {
      req.principal = principal;
      return;
    }
    const missing = !header;
    const scheme = header ? /^(\S+)\s/.exec(header.trim())?.[1] : undefined;
    if (scheme && scheme.toLowerCase() !== 'bearer')
      return reply
        .code(401)
        .header('www-authenticate', `${REALM}, error="invalid_request"`)
        .send({ error: { code: 'unsupported_auth_scheme', message: `The Authorization header uses the "${scheme}" scheme; this api takes only API tokens: send "Authorization: Bearer <token>" (tokens are configured under api.tokens).` } });
    return reply
      .code(401)
      .header('www-authenticate', missing ? REALM : `${REALM}, error="invalid_token"`)
      .send(
        missing
          ? { error: { code: 'unauthorized', message: 'Send an API token: "Authorization: Bearer <token>" (tokens are configured under api.tokens).' } }
          : { error: { code: 'invalid_token', message: 'The bearer token is not valid. Check it, or ask an admin to add it under api.tokens in the config.' } },
      );
  };
}

/** The incident id from either `/api/incidents/<url-encoded id>` or `/api/incidents/incident/<cluster>/<fp>`. */
function incidentIdOf(params: Record<string, string>): string {
  const id = params.id ?? `incident/${params.cluster}/${params.fingerprint}`;
  return checkIncidentId(id);
}

export function registerRest(app: FastifyInstance, deps: RestDeps): void {
  app.decorateRequest('principal', null);
  void app.register(async (api) => {
    api.addHook('onRequest', authHook(deps.auth));
    // REST speaks JSON only: a text/plain body gets the same 415 as a missing Content-Type instead of
    // a confusing field error about a string body. Scoped to this plugin; chat routes keep theirs.
    api.removeContentTypeParser('text/plain');

    api.get('/api/incidents', async (req) => {
      const parsed = listQuerySchema.safeParse(req.query ?? {});
      if (!parsed.success) throw new ValidationError('invalid_query', 'The query parameters are invalid: fix the fields listed and retry.', fieldErrors(parsed.error.issues));
      return { incidents: await listIncidents(deps.client, parsed.data, req.principal!.actor) };
    });

    const show = async (req: FastifyRequest) => getIncident(deps.client, incidentIdOf(req.params as Record<string, string>), req.principal!.actor);
    api.get('/api/incidents/:id', show);
    api.get('/api/incidents/incident/:cluster/:fingerprint', show);

    const act = async (req: FastifyRequest, reply: FastifyReply) => {
      const params = req.params as Record<string, string>;
      const action = params.action as IncidentAction;
      const command = COMMANDS.includes(params.action as IncidentCommandName) ? (params.action as IncidentCommandName) : undefined;
      if (!(ACTIONS as readonly string[]).includes(action) && !command)
        throw new ApiError(404, 'unknown_action', `"${params.action}" is not an incident action; use ${[...ACTIONS, ...COMMANDS].join(', ')}.`);
      const id = incidentIdOf(params);
      const principal = req.principal!;
      if (principal.service)
        throw new ApiError(
          403,
          'person_required',
          `The token "${principal.tokenName}" is a service token: it may read incidents and send anomalies, but only a person may ${command ? `ask for a ${COMMAND_VERB[command]}` : ACTION_VERB[action]}. ` +
            `Bind the token to a roster person with "person: <id>" under api.tokens[] in the config.`,
        );
      if (command) {
        const result = await runIncidentCommand(deps.client, id, principal.actor, commandBody(command, req.body));
        req.log.info({ ...incidentFields(id), action: command, via: principal.actor.via, outcome: result.outcome }, 'incident action');
        return sendResult(reply, result);
      }
      const input = actionInput(action, req.body, deps.config);
      const result = await runAction(deps.client, id, principal.actor, input);
      req.log.info({ ...incidentFields(id), action, via: principal.actor.via, outcome: result.outcome }, 'incident action');
      return sendResult(reply, result);
    };
    api.post('/api/incidents/:id/:action', act);
    api.post('/api/incidents/incident/:cluster/:fingerprint/:action', act);

    registerAnomalyRoutes(api, deps);

    api.get('/api/postmortems', async (req) => listPostmortems(deps.postmortems, parsePostmortemQuery(req.query), req.principal!.actor));
    registerSilenceRoutes(api, { client: deps.client, taskQueue: deps.config.temporal.taskQueue });
    api.get('/api/postmortems/:id', async (req, reply) => sendPostmortem(deps.postmortems, (req.params as { id: string }).id, req.headers.accept, reply, req.principal!.actor));
  });
}

function actionInput(action: IncidentAction, body: unknown, config: Config): ActionInput {
  const parsed = bodySchemas[action].safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError('invalid_body', `The ${ACTION_VERB[action]} request is invalid: fix the fields listed and retry.`, fieldErrors(parsed.error.issues));
  if (action === 'handoff') {
    const b = parsed.data as z.output<typeof bodySchemas.handoff>;
    // Unknown targets go to the workflow as `to: null`, which refuses and records the attempt.
    return { action, ...resolveHandoffTarget(config, 'api', b.to), ...(b.note?.trim() ? { note: b.note.trim() } : {}) };
  }
  if (action === 'resolve') return { action, summary: (parsed.data as z.output<typeof bodySchemas.resolve>).summary };
  return { action };
}

/** done/already answer 200 with the result; refused answers 403 with the workflow's reason. */
export function sendResult(reply: FastifyReply, result: CommandResult): FastifyReply {
  if (result.outcome === 'refused') return reply.code(403).send({ error: { code: 'refused', message: result.message }, result });
  return reply.code(200).send(result);
}
