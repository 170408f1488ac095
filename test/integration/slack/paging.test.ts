// Paging a roster person who has an email but no people[].chat.slack: with lookupUsersByEmail on,
// the page finds their Slack id through users.lookupByEmail (real @slack/web-api, strict fake Slack).
import { createSlackChat } from '../../../platforms/slack/outbound/adapter';
import { createPagingActivities } from '../../../activities/paging';
import { FakeSlack } from '../../fakes/slack/server';
import { testConfig } from '../../helpers/config';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.addUser({ id: 'U0BOB0001', name: 'bob', email: 'bob@example.com' });
});
afterAll(async () => fake?.stop());

const config = testConfig((raw) => {
  raw.people.find((p: { id: string }) => p.id === 'bob').email = 'bob@example.com';
});

function pageBob(lookupUsersByEmail: boolean, channel: string) {
  const slack = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, timeoutMs: 2_000, lookupUsersByEmail });
  const { pagePerson } = createPagingActivities({ slack }, () => config);
  return pagePerson({
    incidentId: 'incident/prod/x',
    key: `incident/prod/x@t/page/L1R0/bob/${channel}`,
    personId: 'bob',
    refs: [{ platform: 'slack', channel, id: '1700000000.000100' }],
    text: 'you are paged for CrashLoopBackOff on Deployment/checkout in prod (error). Reply /ack to take it.',
  });
}

describe('paging on Slack by email', () => {
  it('sends the DM to the user found by email when email lookup is on', async () => {
    const channel = fake.addChannel('paging-email');
    const parent = await createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl }).post({ channel, text: 'alert', key: 'incident/prod/x@t/alert' });
    const { delivered } = await createPagingActivities({ slack: createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, lookupUsersByEmail: true }) }, () => config).pagePerson({
      incidentId: 'incident/prod/x', key: 'incident/prod/x@t/page/L1R0/bob', personId: 'bob', refs: [{ platform: 'slack', channel, id: parent.id }],
      text: 'you are paged. Reply /ack to take it.',
    });
    expect(delivered).toEqual(['slack DM to U0BOB0001', `slack mention in #${channel}`]);
    expect(fake.dms('U0BOB0001')).toHaveLength(1);
  });

  it('refuses to page someone it cannot reach when email lookup is off, saying what to configure', async () => {
    const channel = fake.addChannel('paging-no-email');
    await expect(pageBob(false, channel)).rejects.toThrow(/Bob Marley has no chat identity on slack: add people\[\]\.chat for them/);
  });
});
