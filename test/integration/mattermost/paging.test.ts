// Paging through Mattermost with the shared paging activity: a DM plus an @username mention in the
// alert thread, found by people[].chat.mattermost or (with lookupUsersByEmail) by email.
import { createMattermostChat } from '../../../platforms/mattermost/outbound/adapter';
import { createPagingActivities } from '../../../activities/paging';
import { FakeMattermost, type FakeUser } from '../../fakes/mattermost/server';
import { testConfig } from '../../helpers/config';

let fake: FakeMattermost;
let bob: FakeUser;
beforeAll(async () => {
  fake = await FakeMattermost.start();
  bob = fake.addUser('bob.marley', { email: 'bob@example.com' });
});
afterAll(async () => fake?.stop());

const chat = (lookupUsersByEmail = false) =>
  createMattermostChat({ url: fake.url, token: fake.botToken, actionSecret: 's', actionsUrl: () => 'https://incidents.example.com', timeoutMs: 2_000, lookupUsersByEmail });

async function pageBob(people: (raw: Record<string, any>) => void, lookupUsersByEmail: boolean) {
  const channel = fake.addChannel(`paging-${Math.random().toString(36).slice(2)}`);
  const config = testConfig((raw) => people(raw.people.find((p: { id: string }) => p.id === 'bob')));
  const mattermost = chat(lookupUsersByEmail);
  const root = await mattermost.post({ channel, text: 'alert', key: 'incident/prod/x@t/alert' });
  const receipt = await createPagingActivities({ mattermost }, () => config).pagePerson({
    incidentId: 'incident/prod/x',
    key: `incident/prod/x@t/page/L1R0/bob/${channel}`,
    personId: 'bob',
    refs: [{ platform: 'mattermost', channel, id: root.id }],
    text: 'you are paged for CrashLoopBackOff on Deployment/checkout in prod (error). Reply /ack to take it.',
  });
  return { receipt, channel, root: root.id };
}

describe('paging on Mattermost', () => {
  it('sends a DM and mentions the person by username in the alert thread', async () => {
    const { receipt, channel, root } = await pageBob((bobPerson) => (bobPerson.chat = { mattermost: bob.id }), false);
    expect(receipt.delivered).toEqual([`mattermost DM to ${bob.id}`, `mattermost mention in #${channel}`]);
    expect(fake.dms(bob.id).at(-1)!.message).toMatch(/^you are paged for CrashLoopBackOff/);
    expect(fake.replies(root).map((p) => p.message)).toEqual([expect.stringMatching(/^@bob\.marley you are paged/)]);
  });

  it('finds the person by email when email lookup is on, and says what to configure when it is off', async () => {
    const byEmail = (bobPerson: Record<string, any>) => {
      bobPerson.email = 'bob@example.com';
      bobPerson.chat = {};
    };
    const { receipt } = await pageBob(byEmail, true);
    expect(receipt.delivered[0]).toBe(`mattermost DM to ${bob.id}`);
    await expect(pageBob(byEmail, false)).rejects.toThrow(/Bob Marley has no chat identity on mattermost: add people\[\]\.chat for them/);
  });
});
