// A Bolt receiver that lives inside the api's fastify server instead of opening its own port:
// POST /slack/events takes Events API callbacks, slash commands and interactivity alike. Every
// request is verified against the signing secret on the raw body before anything is parsed; a bad
// or stale signature gets 401 and never reaches Bolt. Slack expects an answer within 3 seconds, so
// the HTTP response is sent as soon as a listener calls ack(); the listener's slower work (Temporal
// updates, ephemeral answers) continues afterwards and is awaited when the api closes.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { App, Receiver } from '@slack/bolt';
import { verifySlackSignature } from './verify';
import { UNKNOWN_PIN, workspaceOf, workspaceRefusal, type SlackWorkspace } from './workspace';

export const SLACK_EVENTS_PATH = '/slack/events';
const BODY_LIMIT = 1024 * 1024;
/** Slack gives up after 3 s; answer before that even if no listener acknowledged. */
const ACK_TIMEOUT_MS = 2_800;

export interface HttpAnswer {
  status: number;
  body?: unknown;
}

export class FastifyReceiver implements Receiver {
  private bolt?: App;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly signingSecret: string,
    private readonly log: FastifyBaseLogger,
    /** The workspace requests must come from; undefined while it cannot be known. */
    private readonly pin: () => Promise<SlackWorkspace | undefined>,
  ) {}

  init(app: App): void {
    this.bolt = app;
  }
  async start(): Promise<void> {}
  /** Waits for listeners still working after their ack. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  register(app: FastifyInstance, path = SLACK_EVENTS_PATH): void {
    void app.register(async (scope) => {
      // The signature covers the exact bytes Slack sent: keep the body raw, parse after verifying.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
      scope.post(path, async (req, reply) => {
        const raw = typeof req.body === 'string' ? req.body : '';
        const header = (name: string) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        const verified = verifySlackSignature({ signingSecret: this.signingSecret, signature: header('x-slack-signature'), timestamp: header('x-slack-request-timestamp'), rawBody: raw });
        if (!verified.ok) {
          req.log.warn({ reason: verified.reason }, 'refused a Slack request');
          return reply.code(401).send({ error: { code: 'invalid_signature', message: `Slack request refused: ${verified.reason}.` } });
        }
        const body = parseBody(header('content-type'), raw);
        if (!body) return reply.code(400).send({ error: { code: 'invalid_body', message: 'The body is neither a Slack form post nor JSON.' } });
        if (body.ssl_check) return reply.code(200).send('');
        if (body.type === 'url_verification') return reply.code(200).send({ challenge: body.challenge });
        const refused = await this.workspaceRefusal(body);
        if (refused) {
          req.log.warn({ workspace: workspaceOf(body), reason: refused }, 'refused a Slack request from another workspace');
          // A slash command shows its 200 body to the person; other requests get a plain refusal.
          if (body.command) return reply.code(200).send({ response_type: 'ephemeral', text: refused });
          return reply.code(403).send({ error: { code: 'wrong_workspace', message: refused } });
        }
        const retryNum = header('x-slack-retry-num');
        const answer = await this.dispatch(body, retryNum ? Number(retryNum) : undefined, header('x-slack-retry-reason'));
        if (answer.body === undefined) return reply.code(answer.status).send('');
        return reply.code(answer.status).send(answer.body);
      });
    });
  }

  private async workspaceRefusal(body: Record<string, any>): Promise<string | undefined> {
    const pin = await this.pin().catch(() => undefined);
    return pin ? workspaceRefusal(pin, workspaceOf(body)) : UNKNOWN_PIN;
  }

  /** Hands a verified body to Bolt; resolves with the HTTP answer once a listener acks (or gives up). */
  dispatch(body: Record<string, any>, retryNum?: number, retryReason?: string): Promise<HttpAnswer> {
    const bolt = this.bolt;
    if (!bolt) return Promise.resolve({ status: 503, body: { error: { code: 'not_ready', message: 'Slack is not initialised yet.' } } });
    return new Promise<HttpAnswer>((resolve) => {
      let acked = false;
      const answer = (a: HttpAnswer) => {
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        resolve(a);
      };
      const timer = setTimeout(() => {
        this.log.warn({ type: body.type ?? body.command }, 'no Slack listener acknowledged within 3 s');
        answer({ status: 200 });
      }, ACK_TIMEOUT_MS);
      const ack = async (response?: unknown) => {
        if (acked) throw new Error('this Slack request was already acknowledged');
        answer({ status: 200, body: response === undefined || response === '' ? undefined : response });
      };
      const work = bolt
        .processEvent({ body, ack, retryNum, retryReason })
        .then(
          () => answer({ status: 404, body: { error: { code: 'unhandled', message: 'No handler for this Slack request.' } } }),
          (err: unknown) => {
            this.log.error({ err }, 'Slack listener failed');
            answer({ status: 500, body: { error: { code: 'internal_error', message: 'The Slack handler failed; the api log has the details.' } } });
          },
        )
        .finally(() => this.inflight.delete(work));
      this.inflight.add(work);
    });
  }
}

function parseBody(contentType: string | undefined, raw: string): Record<string, any> | undefined {
  try {
    if (contentType?.startsWith('application/json')) {
      const v = JSON.parse(raw) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
    }
    if (contentType?.startsWith('application/x-www-form-urlencoded')) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      // Interactivity posts a form with one field, `payload`, holding JSON.
      return typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, any>) : form;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
