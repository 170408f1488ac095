// The fake Slack's opt-in enforcement of Slack's published limits (test/fakes/slack/ratelimits.ts),
// over plain HTTP as Slack is called: past a method's burst it answers 429 with Retry-After and
// `ratelimited`, per channel for chat.postMessage; without the option it never does.
import { FakeSlack } from '../../fakes/slack/server';

const fakes: FakeSlack[] = [];
afterAll(async () => Promise.all(fakes.map((f) => f.stop())));

async function start(rateLimits?: boolean) {
  const fake = await FakeSlack.start({ rateLimits });
  fakes.push(fake);
  const call = async (method: string, body: Record<string, unknown> = {}) => {
    const res = await fetch(`${fake.apiUrl}${method}`, { method: 'POST', headers: { authorization: `Bearer ${fake.botToken}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { ok: boolean; error?: string } };
  };
  return { fake, call };
}

describe('fake Slack rate limits', () => {
  it('answers 429 with Retry-After once a Tier 4 method has used its burst', async () => {
    const { call } = await start(true);
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await call('auth.test'));
    expect(answers.slice(0, 10).every((a) => a.status === 200 && a.body.ok)).toBe(true);
    expect(answers[10]).toEqual({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
  });

  it('counts chat.postMessage per channel', async () => {
    const { fake, call } = await start(true);
    const [a, b] = [fake.addChannel('a'), fake.addChannel('b')];
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('chat.postMessage', { channel: a, text: `m${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await call('chat.postMessage', { channel: b, text: 'other channel' })).status).toBe(200);
    expect(fake.messages(a)).toHaveLength(3); // the refused one was not posted
  });

  it('never rate limits without the option', async () => {
    const { call } = await start();
    for (let i = 0; i < 30; i++) expect((await call('auth.test')).status).toBe(200);
  });
});
