// REST for silences (issue 14 item 3), behind the same bearer token as the rest of /api:
//   POST   /api/silences        {"matcher": "{namespace=\"shop\"}", "duration": "2h", "reason": "..."}
//   GET    /api/silences
//   DELETE /api/silences/:id
// A person acts (a service token may only list); the silences workflow authorizes and audits.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { parseDuration, formatDuration } from '../config/duration';
import { fieldErrors } from '../intake/schema';
import { parseMatchers } from '../workflows/policy/matcher';
import { SILENCE_LIMITS_MS, type SilenceResult } from '../workflows/silences-definitions';
import { ApiError, ValidationError } from './errors';
import { createSilence, listSilences, removeSilence } from './silences-client';

const createBody = z
  .object({
    matcher: z
      .string({ error: 'matcher is required: an Alertmanager matcher such as {namespace="shop", kind=~"Pod|Deployment"}' })
      .superRefine((value, ctx) => {
        try {
          parseMatchers(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    duration: z.string({ error: 'duration is required, e.g. "2h" or "30m"' }).superRefine((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) ctx.addIssue({ code: 'custom', message: `duration "${value}" is not a duration; write it like 30m, 2h or 1d` });
      else if (ms < SILENCE_LIMITS_MS.min || ms > SILENCE_LIMITS_MS.max) ctx.addIssue({ code: 'custom', message: `a silence lasts from ${formatDuration(SILENCE_LIMITS_MS.min)} to ${formatDuration(SILENCE_LIMITS_MS.max)}` });
    }),
    reason: z.string({ error: 'reason must be a string' }).trim().max(500, 'reason is at most 500 characters').optional(),
  })
  .strict();

function personOf(req: FastifyRequest, doing: string) {
  const principal = req.principal!;
  if (principal.service)
    throw new ApiError(403, 'person_required', `The token "${principal.tokenName}" is a service token: only a person may ${doing}. Bind the token to a roster person with "person: <id>" under api.tokens[] in the config.`);
  return principal.actor;
}

/** done -> 201/200; refused -> 403 and already (no such silence) -> 404, shaped like every api error. */
function send(reply: FastifyReply, result: SilenceResult, done: number): FastifyReply {
  if (result.outcome === 'refused') return reply.code(403).send({ error: { code: 'refused', message: result.message }, result });
  if (result.outcome === 'already') return reply.code(404).send({ error: { code: 'silence_not_found', message: result.message }, result });
  return reply.code(done).send(result);
}

export function registerSilenceRoutes(api: FastifyInstance, deps: { client: Client; taskQueue: string }): void {
  api.get('/api/silences', async () => ({ silences: await listSilences(deps.client) }));

  api.post('/api/silences', async (req, reply) => {
    const actor = personOf(req, 'create silences');
    const parsed = createBody.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError('invalid_silence', 'The silence is invalid: fix the fields listed and retry.', fieldErrors(parsed.error.issues));
    const { matcher, duration, reason } = parsed.data;
    const result = await createSilence(deps.client, { actor, matcher, durationMs: parseDuration(duration)!, ...(reason ? { reason } : {}) }, deps.taskQueue);
    req.log.info({ via: actor.via, outcome: result.outcome, silence: result.silence?.id }, 'silence create');
    return send(reply, result, 201);
  });

  api.delete('/api/silences/:id', async (req, reply) => {
    const actor = personOf(req, 'remove silences');
    const { id } = req.params as { id: string };
    if (!/^s-\d+$/.test(id)) throw new ApiError(400, 'invalid_silence_id', `"${id}" is not a silence id (ids look like s-3; GET /api/silences lists them).`);
    const result = await removeSilence(deps.client, { actor, id });
    req.log.info({ via: actor.via, outcome: result.outcome, silence: id }, 'silence remove');
    return send(reply, result, 200);
  });
}
