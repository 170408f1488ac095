import { actorFor, platformOf, resolveHandoffTarget } from '../../../api/identity';
import { apiTestConfig } from './fixtures';

describe('identity mapping', () => {
  const config = apiTestConfig();

  it('maps a platform user to the roster person with their roles', () => {
    expect(actorFor(config, 'slack', 'U0ALICE')).toEqual({ personId: 'alice', roles: ['responder'], via: 'slack:U0ALICE', display: 'Alice Liddell' });
    expect(actorFor(config, 'local', 'carol')).toEqual({ personId: 'carol', roles: ['responder', 'admin'], via: 'local:carol', display: 'Carol Danvers' });
  });

  it('maps by the platform the request came from, not by another platform name', () => {
    expect(actorFor(config, 'local', 'U0ALICE').personId).toBeNull();
    expect(actorFor(config, 'teams', 'alice').personId).toBeNull();
  });

  it('gives unknown users no person and no roles, and says where they came from', () => {
    expect(actorFor(config, 'local', 'mallory')).toEqual({ personId: null, roles: [], via: 'local:mallory', display: 'mallory' });
  });

  it('maps api identities by person id', () => {
    expect(actorFor(config, 'api', 'bob').personId).toBe('bob');
  });

  it('reads the platform back from the actor', () => {
    expect(platformOf(actorFor(config, 'slack', 'U0BOB'))).toBe('slack');
    expect(platformOf({ personId: null, roles: [], via: 'weird', display: 'x' })).toBe('api');
  });

  describe('handoff targets', () => {
    it('accept person ids with or without @', () => {
      expect(resolveHandoffTarget(config, 'local', '@bob')).toMatchObject({ to: 'bob', toRequested: '@bob' });
      expect(resolveHandoffTarget(config, 'api', 'carol')).toMatchObject({ to: 'carol', toRequested: 'carol' });
    });

    it('fall back to the chat name on the caller platform', () => {
      expect(resolveHandoffTarget(config, 'local', '@bobby')).toMatchObject({ to: 'bob', toRequested: '@bobby' });
      expect(resolveHandoffTarget(config, 'slack', '<@U0BOB>')).toMatchObject({ to: 'bob', toRequested: '<@U0BOB>' });
      expect(resolveHandoffTarget(config, 'slack', '<@U0BOB|bob.m>').to).toBe('bob');
    });

    it('prefer the person id when a chat name collides with another id', () => {
      const c = apiTestConfig((raw) => (raw.people[0].chat.local = 'bob'));
      expect(resolveHandoffTarget(c, 'local', '@bob').to).toBe('bob');
    });

    it('carry the target person\'s roles and grants, so the workflow can refuse someone who may not act on the incident', () => {
      const c = apiTestConfig((raw) => {
        const bob = raw.people.find((p: { id: string }) => p.id === 'bob');
        delete bob.roles;
        bob.grants = [{ roles: ['responder'], clusters: ['dev'], namespaces: ['shop'] }];
      });
      expect(resolveHandoffTarget(c, 'api', 'bob').toAccess).toEqual({ roles: [], grants: [{ roles: ['responder'], clusters: ['dev'], namespaces: ['shop'] }] });
      expect(resolveHandoffTarget(config, 'api', 'carol').toAccess).toEqual({ roles: config.people.find((p) => p.id === 'carol')!.roles });
    });

    it('leave unknown people to the workflow to refuse, keeping what was asked', () => {
      expect(resolveHandoffTarget(config, 'local', '@zed')).toEqual({ to: null, toRequested: '@zed' });
      expect(resolveHandoffTarget(config, 'api', 'bobby')).toEqual({ to: null, toRequested: 'bobby' });
      expect(resolveHandoffTarget(config, 'local', '@')).toEqual({ to: null, toRequested: '@' });
    });
  });
});
