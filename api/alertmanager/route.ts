// POST /api/alertmanager: Alertmanager's webhook receiver. Each firing alert is an anomaly on the
// same path as POST /api/anomalies (signal-with-start, so routing, paging, diagnostics and
// postmortem are the watcher's); each resolved alert tells its incident it recovered. Signals go
// through one coalescer per process (intake/alertmanager/send.ts): overlapping notifications of one
// incident share a signal. Answers 200 once every incident has its signal, so Alertmanager retries
// (the whole notification) only when Temporal did not take it; 4xx are final for Alertmanager, so
// only bad input gets them.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/schema';
import { parseWebhookPayload } from '../../intake/alertmanager/payload';
import { mapAlert, type MappedAlert } from '../../intake/alertmanager/map';
import { actionsFor, forEachBounded } from '../../intake/alertmanager/batch';
import { coalescedActions, signalAction } from '../../intake/alertmanager/send';
import type { FieldError } from '../../intake/schema';
import type { TokenAuthenticator } from '../auth';
import { ValidationError } from '../errors';
import { mapTemporalError } from '../incidents';
import { alertmanagerAuthHook, basicAuthDigest } from './auth';
import { auditCompletedRequest } from '../../logging/http';

export const ALERTMANAGER_PATH = '/api/alertmanager';

export interface AlertmanagerDeps {
  config: Config;
  client: Client;
  auth: TokenAuthenticator;
  env: NodeJS.ProcessEnv;
}

export function registerAlertmanager(app: FastifyInstance, deps: AlertmanagerDeps): void {
  const { config, client } = deps;
  const cfg = config.intake.alertmanager;
  // Read at start: a missing password stops the api naming its variable or file.
  const basic = basicAuthDigest(config, deps.env);
  const send = coalescedActions((a) => signalAction(client, config.temporal.taskQueue, a));
  void app.register(async (scope) => {
    scope.removeContentTypeParser('text/plain');
    scope.setErrorHandler((err: FastifyError, _req, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return reply.code(413).send({
          error: {
            code: 'body_too_large',
            message: `The notification is larger than ${cfg.maxBodyBytes} bytes (intake.alertmanager.maxBodyBytes): raise that, or set max_alerts on the Alertmanager webhook_config so notifications stay smaller.`,
          },
        });
      throw err; // everything else: the api's error handler (api/server.ts)
    });
    scope.post(ALERTMANAGER_PATH, { bodyLimit: cfg.maxBodyBytes, onRequest: alertmanagerAuthHook(deps.auth, basic) }, async (req, reply) => {
      const parsed = parseWebhookPayload(req.body);
      if (!parsed.ok) throw new ValidationError('invalid_notification', 'The Alertmanager notification is invalid: fix the fields listed (a webhook_config receiver sends this format, version 4).', parsed.fields);
      const mapped: MappedAlert[] = [];
      const problems: FieldError[] = [];
      parsed.payload.alerts.forEach((alert, i) => {
        const r = mapAlert(alert, i, config);
        if (r.ok) mapped.push(r.alert);
        else problems.push(...r.fields);
      });
      // All or nothing: a 400 is final for Alertmanager, so no alert of it may have opened an incident.
      if (problems.length) throw new ValidationError('invalid_alerts', 'No alert of this notification was taken: fix the fields listed and Alertmanager will send them again with the next notification.', problems);
      const outcomes = await forEachBounded(actionsFor(mapped), cfg.maxConcurrent, send).catch((err: unknown) =>
        mapTemporalError(err, undefined, 'record the alerts'),
      );
      // The audit line is also the request's line (logging/http.ts), as for POST /api/anomalies.
      const audit = { via: req.alertmanagerCaller, groupKey: parsed.payload.groupKey, alerts: parsed.payload.alerts.length, incidents: outcomes.length };
      auditCompletedRequest(req, reply.code(200), audit, 'alertmanager notification accepted');
      return reply.send({ alerts: parsed.payload.alerts.length, incidents: outcomes });
    });
  });
}
