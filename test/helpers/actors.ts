import type { Actor, Role } from '../../workflows/definitions';

export function actor(personId: string | null, roles: Role[] = ['responder'], via = `local:${personId ?? 'mallory'}`): Actor {
  return { personId, roles, via, display: personId ?? via };
}
