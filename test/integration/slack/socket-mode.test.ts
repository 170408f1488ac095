// Socket Mode: the api dials out to Slack with the app token (Bolt's SocketModeReceiver, real
// @slack/socket-mode client) and receives commands and button clicks as envelopes over the
// WebSocket instead of signed HTTP posts. The fake speaks the Socket Mode protocol on 127.0.0.1.
import { eventually } from '../../helpers/stack';
import { startSlackStack, USERS, type SlackStack } from './slack-stack';

let s: SlackStack;
beforeAll(async () => {
  s = await startSlackStack(['socket'], { mode: 'socket' });
}, 90_000);
afterAll(async () => s?.stop());

describe('Slack in Socket Mode', () => {
  it('connects with the app token when the api starts and serves no HTTP events endpoint', async () => {
    expect(s.fake.socketMode.connected).toBe(1);
    expect(s.fake.callsOf('apps.connections.open').map((c) => c.response.ok)).toEqual([true]);
    expect((await s.stack.request('/slack/events', { json: {} })).status).toBe(404);
  });

  it('refuses a click by someone off the roster and acknowledges /ack by the paged person, all over the socket', async () => {
    const channel = s.channels.socket!;
    const id = await s.report('socket');
    const alert = await s.alert(channel);
    // A command from another workspace over the same socket is acknowledged to Slack and does nothing.
    await s.inbound.command(USERS.alice, channel, '/ack', '', { teamId: 'T0OTHERTEAM' });
    expect((await s.inbound.click(USERS.mallory, channel, alert.ts, 'incident:ack')).status).toBe(200);
    await eventually(async () => s.fake.ephemerals.find((e) => e.user === USERS.mallory && /not on the roster/.test(e.text)), 'the refusal to mallory');
    const st = await s.state(id);
    expect(st.status).toBe('triggered');
    expect(s.fake.responses.filter((r) => r.body.user === USERS.alice)).toEqual([]);

    await s.inbound.command(USERS.alice, channel, '/ack', '');
    await eventually(async () => (await s.state(id)).status === 'acknowledged', 'acknowledged');
    const answer = await eventually(async () => s.fake.responses.find((r) => r.body.user === USERS.alice), 'the answer to alice');
    expect(answer.body).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('Acknowledged by Alice Liddell') });
  });
});
