import { authorize, type AuthorizeState } from '../../../../workflows/policy';
import { actor } from './fixtures';

const triggered: AuthorizeState = { status: 'triggered' };
const ackedByBob: AuthorizeState = { status: 'acknowledged', assignee: 'bob' };
const resolved: AuthorizeState = { status: 'resolved', assignee: 'bob' };
const admin = actor('carol', ['responder', 'admin']);
const toDave = { to: 'dave', toRequested: '@dave' };

describe('authorization for people not on the roster', () => {
  it('refuses every action by a chat user who is not on the roster and says how to get added', () => {
    const stranger = actor(null, [], 'slack:U999');
    for (const action of ['ack', 'handoff', 'resolve'] as const) {
      expect(authorize(action, stranger, triggered, toDave)).toEqual({
        allowed: false,
        reason: 'You (slack:U999) are not on the roster for this incident. Ask an admin to add your chat identity under people[].chat in the config.',
      });
    }
  });

  it('points an API token without a person at api.tokens[].person', () => {
    expect(authorize('ack', actor(null, ['admin'], 'api:ops-token'), triggered)).toEqual({
      allowed: false,
      reason: 'You (api:ops-token) are not on the roster for this incident. Ask an admin to give this API token a person under api.tokens[].person in the config.',
    });
  });

  it('refuses a roster person without any role', () => {
    expect(authorize('ack', actor('dave', []), triggered)).toEqual({
      allowed: false,
      reason: 'You (dave) have neither the responder nor the admin role. Ask an admin to add a role under people[].roles in the config.',
    });
  });
});

describe('acknowledge', () => {
  it('lets any responder on the roster acknowledge', () => {
    expect(authorize('ack', actor('alice'), triggered)).toEqual({ allowed: true });
    expect(authorize('ack', actor('alice'), ackedByBob)).toEqual({ allowed: true });
  });

  it('lets an admin without the responder role acknowledge', () => {
    expect(authorize('ack', actor('carol', ['admin']), triggered)).toEqual({ allowed: true });
  });

  it('refuses to acknowledge a resolved incident', () => {
    expect(authorize('ack', actor('bob'), resolved)).toEqual({
      allowed: false,
      reason: 'This incident is already resolved, so there is nothing to acknowledge.',
    });
  });
});

describe('handoff', () => {
  it('lets the current responder hand off to another roster person', () => {
    expect(authorize('handoff', actor('bob'), ackedByBob, toDave)).toEqual({ allowed: true });
  });

  it('lets the pending handoff target pass the incident on', () => {
    const pending: AuthorizeState = { status: 'acknowledged', assignee: 'bob', handoffPendingTo: 'alice' };
    expect(authorize('handoff', actor('alice'), pending, toDave)).toEqual({ allowed: true });
  });

  it('lets an admin hand off an incident they are not responding to', () => {
    expect(authorize('handoff', admin, ackedByBob, toDave)).toEqual({ allowed: true });
    expect(authorize('handoff', admin, triggered, toDave)).toEqual({ allowed: true });
  });

  it('refuses a handoff by someone who is not the current responder and names the responder', () => {
    expect(authorize('handoff', actor('alice'), ackedByBob, toDave)).toEqual({
      allowed: false,
      reason: 'Only the current responder (bob) or an admin can hand off this incident.',
    });
  });

  it('refuses a handoff before anyone took the incident and says to acknowledge first', () => {
    expect(authorize('handoff', actor('alice'), triggered, toDave)).toEqual({
      allowed: false,
      reason: 'Nobody has taken this incident yet. Acknowledge it first, or ask an admin to hand it off.',
    });
  });

  it('refuses a handoff to someone who is not on the roster and quotes what was typed', () => {
    expect(authorize('handoff', actor('bob'), ackedByBob, { to: null, toRequested: '@zed' })).toEqual({
      allowed: false,
      reason: 'Cannot hand off to "@zed": no such person on the roster.',
    });
  });

  it('refuses a handoff without a target', () => {
    expect(authorize('handoff', actor('bob'), ackedByBob)).toEqual({
      allowed: false,
      reason: 'Say who should take over, for example "/handoff @bob".',
    });
  });

  it('refuses a handoff to yourself', () => {
    expect(authorize('handoff', actor('bob'), ackedByBob, { to: 'bob', toRequested: 'me' })).toEqual({
      allowed: false,
      reason: 'You cannot hand off an incident to yourself. Name someone else on the roster.',
    });
  });

  it('refuses an admin handoff to the person who already has the incident', () => {
    expect(authorize('handoff', admin, ackedByBob, { to: 'bob', toRequested: '@bob' })).toEqual({
      allowed: false,
      reason: 'bob is already the responder for this incident. Name someone else on the roster.',
    });
  });

  it('allows repeating a handoff to the person already being paged, so the workflow can say they are already paged', () => {
    const pending: AuthorizeState = { status: 'triggered', assignee: 'dave', handoffPendingTo: 'dave' };
    expect(authorize('handoff', admin, pending, toDave)).toEqual({ allowed: true });
  });

  it('refuses to hand off a resolved incident', () => {
    expect(authorize('handoff', actor('bob'), resolved, toDave)).toEqual({
      allowed: false,
      reason: 'This incident is already resolved, so it cannot be handed off.',
    });
  });
});

describe('resolve', () => {
  it('lets anyone on the roster resolve an incident nobody has acknowledged', () => {
    expect(authorize('resolve', actor('alice'), triggered)).toEqual({ allowed: true });
  });

  it('lets the person who acknowledged resolve', () => {
    expect(authorize('resolve', actor('bob'), ackedByBob)).toEqual({ allowed: true });
  });

  it('lets an admin resolve an incident someone else acknowledged', () => {
    expect(authorize('resolve', admin, ackedByBob)).toEqual({ allowed: true });
  });

  it('lets the pending handoff target resolve', () => {
    expect(authorize('resolve', actor('dave'), { status: 'acknowledged', assignee: 'bob', handoffPendingTo: 'dave' })).toEqual({ allowed: true });
  });

  it('refuses a resolve by someone else once the incident is acknowledged and names who may', () => {
    expect(authorize('resolve', actor('alice'), ackedByBob)).toEqual({
      allowed: false,
      reason: 'This incident is acknowledged by bob; only bob or an admin can resolve it.',
    });
  });

  it('refuses to resolve an incident that is already resolved', () => {
    expect(authorize('resolve', admin, resolved)).toEqual({ allowed: false, reason: 'This incident is already resolved.' });
  });
});
