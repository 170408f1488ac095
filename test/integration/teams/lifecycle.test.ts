// Teams end to end: the real api (botbuilder CloudAdapter on POST /teams/messages) and worker on a
// real Temporal dev server, with the fake Bot Framework standing in for Teams: the alert card is
// posted proactively, people act by card buttons and @mentions as the account the JWT-signed
// activity names, and the card follows the incident to its postmortem.
import type { IncidentState } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { FakeBotFramework, messageText, type StoredActivity } from '../../fakes/botframework/server';
import { newSigningKey } from '../../fakes/botframework/jwt';
import { TeamsClient, mention, threadOf } from '../../fakes/botframework/teams-client';
import { ALICE_AAD, OPS, fakeOptions, users, withTeams } from './fixtures';

let fake: FakeBotFramework;
let stack: Stack;
let teams: TeamsClient;

beforeAll(async () => {
  fake = await FakeBotFramework.start(fakeOptions());
  try {
    stack = await startStack({
      worker: true,
      config: (raw) => {
        withTeams(raw, fake);
        raw.routing.default.channels = [{ platform: 'teams', channel: 'ops' }];
      },
    });
  } catch (err) {
    await fake.stop();
    throw err;
  }
  teams = new TeamsClient(fake, `${stack.url}/teams/messages`);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await fake?.stop();
});

const enc = encodeURIComponent;

async function state(id: string): Promise<IncidentState> {
  const res = await stack.request(`/api/incidents/${enc(id)}`, { token: 'ops' });
  expect(res.status).toBe(200);
  return (await res.json()) as IncidentState;
}
async function open(cluster: string): Promise<string> {
  const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { incidentId: string }).incidentId;
}
const cardOf = (id: string) => eventually(async () => fake.cards(OPS).find((c) => c.activity.attachments[0].content.refresh.action.data.incidentId === id), `the card of ${id} in Teams`);
/** The status line of the card as Teams shows it now, e.g. "ACKNOWLEDGED · ERROR". */
const headline = (c: StoredActivity) => fake.latest(c).attachments[0].content.body[0].items[0].text as string;
const facts = (card: any): Record<string, string> => Object.fromEntries(card.body.find((b: any) => b.type === 'FactSet').facts.map((f: any) => [f.title, f.value]));

describe('incidents in Microsoft Teams', () => {
  it('posts the alert card to the channel, and an acknowledge button press by a roster member acknowledges and refreshes it', async () => {
    const id = await open('teams-ack');
    const card = await cardOf(id);
    expect(headline(card)).toBe('TRIGGERED · ERROR');
    expect((await state(id)).messages).toEqual([{ platform: 'teams', channel: 'ops', id: card.id, meta: { serviceUrl: fake.serviceUrl, conversationId: OPS, tenantId: fake.opts.tenantId } }]);
    await eventually(async () => fake.dmsTo(ALICE_AAD).length > 0, 'the page to alice by direct message');

    const answer = await teams.execute(users.alice, OPS, card.id, 'ack', { incidentId: id });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(facts(answer.body.value)).toMatchObject({ 'Acknowledged by': 'Alice Liddell' });
    expect((await state(id)).status).toBe('acknowledged');
    // The card's notice is easy to miss: the press also leaves a line in the alert's thread.
    const line = fake.botMessages(OPS).find((m) => m.replyToId === card.id && m.activity.text === 'Acknowledged by Alice Liddell. Escalation stopped.');
    expect(line?.activity).toMatchObject({ type: 'message', textFormat: 'plain' });
    // Everyone else sees the update the workflow pushes to the posted message, and a refresh
    // (Teams asks when someone opens the chat) answers the current card.
    await eventually(async () => headline(card).startsWith('ACKNOWLEDGED'), 'the posted card to show acknowledged');
    const refreshed = await teams.execute(users.bob, OPS, card.id, 'refresh', { incidentId: id });
    expect(refreshed.body.value.body[0].items[0].text).toBe('ACKNOWLEDGED · ERROR');
    expect(refreshed.body.value.body.filter((b: any) => b.type === 'TextBlock' && b.color)).toEqual([]);
  });

  it('hands off by @mention, pages the new responder, and resolves by @mention with a postmortem', async () => {
    const id = await open('teams-handoff');
    const card = await cardOf(id);
    const thread = threadOf(OPS, card.id);

    const handoff = await teams.message(users.alice, thread, `handoff ${mention(users.bob)} taking over`, { mentions: [users.bob] });
    expect(handoff.status).toBe(200);
    await eventually(async () => fake.dmsTo(users.bob.id).some((m) => m.activity.text.includes('paged')), 'the page to bob');
    expect(await state(id)).toMatchObject({ assignee: 'bob', handoffPendingTo: 'bob' });
    // The bot answered in the alert's thread through the Bot Connector, with its own token.
    expect(fake.botMessages(OPS).some((m) => m.replyToId === card.id && /^Handed off to Bob Marley/.test(m.activity.text ?? ''))).toBe(true);

    expect((await teams.message(users.bob, thread, 'resolve fixed image tag')).status).toBe(200);
    const done = await eventually(async () => {
      const s = await state(id);
      return s.status === 'resolved' && s.postmortemId ? s : undefined;
    }, 'the incident to resolve with a postmortem');
    expect(done).toMatchObject({ resolvedBy: 'bob', summary: 'fixed image tag' });
    const postmortem = await stack.request(`/api/postmortems/${enc(done.postmortemId!)}`, { token: 'ops' });
    expect(postmortem.status).toBe(200);
    await eventually(async () => headline(card).startsWith('RESOLVED') && facts(fake.latest(card).attachments[0].content).Resolution === 'fixed image tag', 'the card to show the resolution');
    expect(fake.latest(card).attachments[0].content.actions.map((a: any) => a.type)).not.toContain('Action.Execute');
    await eventually(async () => fake.botMessages(OPS).some((m) => m.replyToId === card.id && /^Resolved\./.test(messageText(m))), 'the postmortem link in the thread');
  });

  it('answers a refused button press only to the person who pressed it and records the refusal', async () => {
    const id = await open('teams-refuse');
    const card = await cardOf(id);
    const answer = await teams.execute(users.mallory, OPS, card.id, 'ack', { incidentId: id });
    expect(answer.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const notice = answer.body.value.body.find((b: any) => b.color === 'attention');
    expect(notice.text).toMatch(/roster/i);
    const s = await state(id);
    expect(s.status).toBe('triggered');
    expect(s.timeline.filter((e) => e.type === 'refused').map((e) => e.text).join()).toContain('teams:29:mallory');
    const unknown = await teams.execute(users.alice, OPS, card.id, 'delete', { incidentId: id });
    expect(unknown.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('lists open incidents when asked in the channel', async () => {
    const id = await open('teams-list');
    await cardOf(id);
    await teams.message(users.carol, OPS, 'incident list');
    await eventually(async () => fake.botMessages(OPS).some((m) => m.activity.text?.includes(id)), 'the list reply in the channel');
  });

  it('rejects requests without a token, with a forged token or for another bot with 401, and acts on none of them', async () => {
    const id = await open('teams-auth');
    const card = await cardOf(id);
    const forged = fake.channelToken({}, newSigningKey(fake.key.kid));
    const otherBot = fake.channelToken({ aud: '99999999-0000-0000-0000-000000000000' });
    const wrongServiceUrl = fake.channelToken({ serviceurl: 'http://127.0.0.1:1/' });
    for (const token of [null, forged, otherBot, wrongServiceUrl, 'not-a-jwt']) {
      const answer = await teams.execute(users.alice, OPS, card.id, 'ack', { incidentId: id }, { token });
      expect(answer.status).toBe(401);
    }
    const s = await state(id);
    expect(s.status).toBe('triggered');
    expect(s.timeline.some((e) => e.type === 'acknowledged' || e.type === 'refused')).toBe(false);
  });

  it('refuses a validly signed button press and @mention from another tenant, and acts on neither', async () => {
    const id = await open('teams-tenant');
    const card = await cardOf(id);
    const other = 'eeeeeeee-0000-0000-0000-00000000000e';
    const answer = await teams.execute(users.alice, OPS, card.id, 'ack', { incidentId: id }, { tenantId: other });
    expect(answer.body).toEqual({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'BadRequest', message: `This bot serves Microsoft Teams tenant ${fake.opts.tenantId} only; this request came from tenant ${other}, so nothing was changed.` },
    });
    await teams.message(users.alice, OPS, `ack ${id}`, { tenantId: other });
    await eventually(async () => fake.botMessages(OPS).some((m) => m.activity.text?.includes(`came from tenant ${other}`)), 'the refusal in the channel');
    const s = await state(id);
    expect(s.status).toBe('triggered');
    expect(s.timeline.some((e) => e.type === 'acknowledged' || e.type === 'refused')).toBe(false);
  });
});
