// Token checks and the RBAC-shaped authorizer of the simulated cluster.
import { Authenticator, authorize, type Principal } from '../../../simcluster/auth';
import { RESOURCES, type ResourceDef } from '../../../simcluster/resources';

const def = (plural: string) => RESOURCES.find((d) => d.plural === plural) as ResourceDef;
const auth = new Authenticator({ readOnly: 'ro-token', admin: 'admin-token' }, 'system:serviceaccount:ops:k8s-incident-flow');
const ro = auth.authenticate('Bearer ro-token') as Principal;
const admin = auth.authenticate('Bearer admin-token') as Principal;

describe('authentication', () => {
  it('knows both tokens and tells a missing header from a wrong token', () => {
    expect(ro).toEqual({ token: 'readOnly', user: 'system:serviceaccount:ops:k8s-incident-flow' });
    expect(admin.token).toBe('admin');
    expect(auth.authenticate(undefined)).toBe('none');
    expect(auth.authenticate('Basic abc')).toBe('none');
    expect(auth.authenticate('Bearer ro-token-longer')).toBe('invalid');
    expect(auth.authenticate('Bearer ro-tokeN')).toBe('invalid');
  });
});

describe('authorization', () => {
  it('lets readOnly read everything but secrets, including pod logs and status', () => {
    expect(authorize(ro, { verb: 'watch', def: def('pods'), namespace: 'a' }, 'ops')).toBeUndefined();
    expect(authorize(ro, { verb: 'get', def: def('pods'), subresource: 'log', namespace: 'a', name: 'p' }, 'ops')).toBeUndefined();
    expect(authorize(ro, { verb: 'list', def: def('nodes') }, 'ops')).toBeUndefined();
    expect(authorize(ro, { verb: 'get', def: def('secrets'), namespace: 'a', name: 's' }, 'ops')?.message).toBe(
      'secrets "s" is forbidden: User "system:serviceaccount:ops:k8s-incident-flow" cannot get resource "secrets" in API group "" in the namespace "a"',
    );
  });

  it('lets readOnly get, create and update leases only in its own namespace, as the chart Role does', () => {
    for (const verb of ['create', 'update', 'get'] as const) {
      expect(authorize(ro, { verb, def: def('leases'), namespace: 'ops', name: 'l' }, 'ops')).toBeUndefined();
    }
    for (const verb of ['patch', 'delete'] as const) {
      expect(authorize(ro, { verb, def: def('leases'), namespace: 'ops', name: 'l' }, 'ops')?.code).toBe(403);
    }
    expect(authorize(ro, { verb: 'create', def: def('leases'), namespace: 'other' }, 'ops')?.code).toBe(403);
  });

  it('refuses readOnly writes with the group and scope in the message', () => {
    expect(authorize(ro, { verb: 'delete', def: def('nodes'), name: 'n' }, 'ops')?.message).toBe(
      'nodes "n" is forbidden: User "system:serviceaccount:ops:k8s-incident-flow" cannot delete resource "nodes" in API group "" at the cluster scope',
    );
    expect(authorize(ro, { verb: 'update', def: def('deployments'), namespace: 'a', name: 'd', subresource: 'status' }, 'ops')?.message).toContain(
      'cannot update resource "deployments/status" in API group "apps"',
    );
  });

  it('lets admin do anything', () => {
    expect(authorize(admin, { verb: 'deletecollection', def: def('secrets'), namespace: 'a' }, 'ops')).toBeUndefined();
  });
});
