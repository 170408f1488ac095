// Slack users -> roster people: by people[].chat.slack, and by email only when the config says so.
import { slackWebClient } from '../../../platforms/slack/shared/client';
import { SlackDirectory } from '../../../platforms/slack/inbound/directory';
import { testConfig } from '../../helpers/config';
import { FakeSlack } from '../../fakes/slack/server';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.addUser({ id: 'U0ALICE01', name: 'alice', email: 'alice@example.com' });
  fake.addUser({ id: 'U0BOB0001', name: 'bob', email: 'bob@example.com' });
  fake.addUser({ id: 'U0EVE0001', name: 'eve', email: 'eve@example.com' });
});
afterAll(async () => fake?.stop());

const config = testConfig((raw) => {
  raw.people = [
    { id: 'alice', name: 'Alice Liddell', chat: { slack: 'U0ALICE01' } },
    { id: 'bob', name: 'Bob Marley', email: 'bob@example.com' },
    { id: 'carol', name: 'Carol Danvers', roles: ['responder', 'admin'], email: 'carol@example.com' },
  ];
});
const directory = (byEmail: boolean) => new SlackDirectory(config, slackWebClient(fake.botToken, { slackApiUrl: fake.apiUrl }), byEmail);

describe('Slack directory', () => {
  it('maps users through people[].chat.slack and treats everyone else as off the roster', async () => {
    const d = directory(false);
    expect(await d.actor('U0ALICE01')).toEqual({ personId: 'alice', roles: ['responder'], via: 'slack:U0ALICE01', display: 'Alice Liddell' });
    expect(await d.actor('U0BOB0001')).toEqual({ personId: null, roles: [], via: 'slack:U0BOB0001', display: 'U0BOB0001' });
    expect(fake.callsOf('users.lookupByEmail')).toEqual([]);
  });

  it('maps users by roster email with lookupUsersByEmail, never a user whose email is not on the roster', async () => {
    const d = directory(true);
    expect((await d.actor('U0BOB0001')).personId).toBe('bob');
    expect((await d.actor('U0EVE0001')).personId).toBeNull();
    const calls = fake.callsOf('users.lookupByEmail').length;
    await d.actor('U0BOB0001');
    expect(fake.callsOf('users.lookupByEmail').length).toBe(calls); // cached
  });

  it('rewrites mentions of roster people to their person id and leaves others as typed', async () => {
    expect(await directory(true).rewriteMentions('/handoff <@U0BOB0001|bob> and <@U0EVE0001> <@U0ALICE01>')).toBe('/handoff @bob and <@U0EVE0001> @alice');
  });
});
