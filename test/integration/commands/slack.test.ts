// The commands on-call people reach for, from Slack: signed slash commands through the strict fake
// Slack into the real api (Bolt), real Temporal and worker. Each works for the roster person Slack
// signed for and is refused, only to the caller, for a Slack user off the roster.
import { startSlackStack, USERS, type SlackStack } from '../slack/slack-stack';
import { eventually } from '../../helpers/stack';

const RUNBOOK = 'https://runbooks.example/shop';
let s: SlackStack;
let channel: string;
let id: string;
beforeAll(async () => {
  s = await startSlackStack(['cmds'], {
    config: (raw) => {
      raw.incidents = { flapWindow: '10m' };
      raw.routing.rules[0].runbook = RUNBOOK;
    },
  });
  channel = s.channels.cmds!;
  id = await s.report('cmds');
  await s.alert(channel);
  await eventually(async () => (await s.state(id)).pagedFor === 'L1R0', 'alice paged at level 1');
}, 90_000);
afterAll(async () => s?.stop());

let seen = 0;
/** Types `/incident <text>` as `user` and returns the answer Slack got on the response_url. */
async function slash(user: string, text: string): Promise<{ text: string; type: string }> {
  const res = await s.inbound.command(user, channel, '/incident', text);
  expect(res.status).toBe(200);
  const answer = await eventually(async () => s.fake.responses.slice(seen).find((r) => r.body.user === user), `the answer to ${user}'s /incident ${text}`);
  seen = s.fake.responses.indexOf(answer) + 1;
  return { text: String(answer.body.text), type: String(answer.body.response_type) };
}
const NOT_ON_ROSTER = new RegExp(`You \\(slack:${USERS.mallory}\\) are not on the roster`);

describe('Slack /incident commands', () => {
  it('oncall: who is on call now; refused off the roster', async () => {
    expect(await slash(USERS.bob, 'oncall')).toEqual({ type: 'ephemeral', text: 'primary: Alice Liddell now; no change in the next 28 days' });
    expect((await slash(USERS.mallory, 'oncall')).text).toMatch(NOT_ON_ROSTER);
  });

  it('severity: changed for the channel to see; refused (and audited) off the roster', async () => {
    expect(await slash(USERS.mallory, `severity ${id} info`)).toMatchObject({ type: 'ephemeral', text: expect.stringMatching(NOT_ON_ROSTER) });
    expect(await slash(USERS.bob, 'severity critical')).toEqual({ type: 'in_channel', text: 'Severity set to critical (was error) by Bob Marley.' });
    const st = await s.state(id);
    expect(st.severity).toBe('critical');
    expect(st.timeline.some((e) => e.type === 'refused' && e.text.includes(`slack:${USERS.mallory}`))).toBe(true);
    await eventually(async () => JSON.stringify(s.fake.messages(channel)[0]!.blocks).includes('CRITICAL'), 'the alert updated to critical');
  });

  it('escalate: the next level is paged at once; refused off the roster', async () => {
    expect((await slash(USERS.mallory, `escalate ${id}`)).text).toMatch(NOT_ON_ROSTER);
    expect(await slash(USERS.bob, `escalate ${id}`)).toEqual({ type: 'in_channel', text: 'Escalated to level 2 by Bob Marley: paging it now.' });
    await eventually(async () => s.fake.dms(USERS.carol).some((m) => /you are paged/.test(m.text)), 'a DM paging carol');
    expect((await s.state(id)).level).toBe(2);
  });

  it('snooze: escalation paused until a time; refused off the roster', async () => {
    expect((await slash(USERS.mallory, `snooze ${id} 30m`)).text).toMatch(NOT_ON_ROSTER);
    expect(await slash(USERS.alice, `snooze ${id} 30m`)).toMatchObject({ type: 'in_channel', text: expect.stringMatching(/^Escalation snoozed for 30m, until .* by Alice Liddell\./) });
    expect((await s.state(id)).snooze?.by).toBe('alice');
  });

  it('runbook: from the routing rule; refused off the roster', async () => {
    expect(await slash(USERS.alice, `runbook ${id}`)).toEqual({ type: 'in_channel', text: `Runbook for ${id}: ${RUNBOOK} (from the routing rule cmds)` });
    expect((await slash(USERS.mallory, `runbook ${id}`)).text).toMatch(NOT_ON_ROSTER);
  });

  it('reopen: a resolved incident in its flap window comes back to the person who reopened it; refused off the roster', async () => {
    expect((await slash(USERS.alice, `resolve ${id} rolled back`)).type).toBe('in_channel');
    expect((await slash(USERS.mallory, `reopen ${id}`)).text).toMatch(NOT_ON_ROSTER);
    expect(await slash(USERS.carol, `reopen ${id} still failing`)).toMatchObject({ type: 'in_channel', text: expect.stringMatching(/^Reopened by Carol Danvers/) });
    expect(await s.state(id)).toMatchObject({ status: 'acknowledged', assignee: 'carol' });
  });
});
