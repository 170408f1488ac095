// The fake Slack is only worth something if it is strict: these are the refusals real Slack gives,
// checked through the real @slack/web-api client so the wire format is the real one too.
import { LogLevel, WebClient, type Logger, type WebAPIPlatformError } from '@slack/web-api';
import { FakeSlack } from '../../fakes/slack/server';

// The client logs Slack's [ERROR] response messages; here they are the expected outcome.
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };
const client = (token: string | undefined) => new WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silent });

let fake: FakeSlack;
let web: WebClient;
let channel: string;
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.addUser({ id: 'U0ALICE01', name: 'alice', email: 'alice@example.com' });
  channel = fake.addChannel('strict');
  web = client(fake.botToken);
});
afterAll(async () => fake?.stop());

async function slackError(p: Promise<unknown>): Promise<string> {
  const err = (await p.then(() => undefined, (e: unknown) => e)) as WebAPIPlatformError | undefined;
  return err?.data?.error ?? `no error (${String(err)})`;
}

describe('fake Slack strictness', () => {
  it('refuses calls without a token or with a wrong one', async () => {
    expect(await slackError(client(undefined).auth.test())).toBe('not_authed');
    expect(await slackError(client('xoxb-nope').auth.test())).toBe('invalid_auth');
    expect(await slackError(client(fake.appToken).chat.postMessage({ channel, text: 'x' }))).toBe('not_allowed_token_type');
  });

  it('rejects Block Kit that Slack rejects, saying where', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const longText = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    const longButton = [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }] }];
    const dupIds = [{ type: 'actions', elements: [1, 2].map(() => ({ type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'b' } })) }];
    const unknown = [{ type: 'marquee', text: 'hi' }];
    for (const blocks of [tooMany, longText, longButton, dupIds, unknown]) {
      expect(await slackError(web.chat.postMessage({ channel, text: 'x', blocks: blocks as any }))).toBe('invalid_blocks');
    }
    expect(fake.callsOf('chat.postMessage').at(-1)!.response).toMatchObject({ response_metadata: { messages: [expect.stringMatching(/unknown block type "marquee" \[json-pointer:\/blocks\/0\/type\]/)] } });
    expect(fake.messages(channel)).toEqual([]);
  });

  it('requires an existing thread, a text or blocks, and well-formed metadata', async () => {
    expect(await slackError(web.chat.postMessage({ channel, text: 'x', thread_ts: '123.456' }))).toBe('thread_not_found');
    expect(await slackError(web.chat.postMessage({ channel, text: '' }))).toBe('no_text');
    expect(await slackError(web.chat.postMessage({ channel, text: 'x', metadata: { event_type: 'has space', event_payload: {} } }))).toBe('invalid_metadata_format');
  });

  it('returns message metadata only when include_all_metadata is asked for', async () => {
    await web.chat.postMessage({ channel, text: 'm', metadata: { event_type: 'incident_alert', event_payload: { key: 'k' } } });
    expect((await web.conversations.history({ channel })).messages![0]!.metadata).toBeUndefined();
    expect((await web.conversations.history({ channel, include_all_metadata: true })).messages![0]!.metadata).toEqual({ event_type: 'incident_alert', event_payload: { key: 'k' } });
  });

  it('opens a modal once per trigger id and refuses missing, unknown and reused ones', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    expect(await slackError(web.views.open({ view } as any))).toBe('invalid_arguments');
    expect(await slackError(web.views.open({ trigger_id: '1.2.3', view }))).toBe('invalid_trigger_id');
    const trigger = fake.issueTrigger('U0ALICE01');
    expect((await web.views.open({ trigger_id: trigger, view })).ok).toBe(true);
    expect(await slackError(web.views.open({ trigger_id: fake.issueTrigger('U0ALICE01'), view: { ...view, title: { type: 'plain_text', text: 'a title longer than 24 chars' } } }))).toBe('invalid_arguments');
    expect(await slackError(web.views.open({ trigger_id: trigger, view }))).toBe('exchanged_trigger_id');
  });

  it('knows its users by id and by email, and only members get ephemeral messages', async () => {
    expect((await web.users.info({ user: 'U0ALICE01' })).user?.profile?.email).toBe('alice@example.com');
    expect((await web.users.lookupByEmail({ email: 'ALICE@example.com' })).user?.id).toBe('U0ALICE01');
    expect(await slackError(web.users.lookupByEmail({ email: 'nobody@example.com' }))).toBe('users_not_found');
    const closed = fake.addChannel('closed', { members: [] });
    expect(await slackError(web.chat.postEphemeral({ channel: closed, user: 'U0ALICE01', text: 'x' }))).toBe('user_not_in_channel');
  });
});
