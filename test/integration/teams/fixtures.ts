// Shared Teams test setup: the fake Bot Framework's identities and a config section pointing at it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeBotFramework, FakeBotFrameworkOptions } from '../../fakes/botframework/server';
import type { TeamsUser } from '../../fakes/botframework/teams-client';

export const OPS = '19:ops@thread.tacv2';
export const ALICE_AAD = 'aaaaaaaa-0000-0000-0000-0000000000a1';
/** The Microsoft 365 group id of the team OPS belongs to. */
export const TEAM_ID = '7e4a0000-0000-4000-8000-00000000feed';

export const fakeOptions = (): FakeBotFrameworkOptions => ({
  appId: '11111111-2222-3333-4444-555555555555',
  password: `pw-${process.pid}-${Date.now()}`,
  tenantId: 'tttttttt-0000-0000-0000-000000000001',
  conversations: [OPS],
  teamId: TEAM_ID,
});

/** Teams accounts of the roster: alice is known by her Azure AD object id, bob and carol by Teams id. */
export const users = {
  alice: { id: '29:alice', name: 'Alice Liddell', aadObjectId: ALICE_AAD },
  bob: { id: '29:bob', name: 'Bob Marley' },
  carol: { id: '29:carol', name: 'Carol Danvers' },
  mallory: { id: '29:mallory', name: 'Mallory' },
} satisfies Record<string, TeamsUser>;

/**
 * Adds Teams to a raw config (from testConfig, whose fresh dataDir also holds the password file, so
 * removing the data dir removes the secret): roster identities, the fake's endpoints, channel `ops`.
 * With `graph` in `extra`, Graph points at the fake and `ops` names its team.
 */
export function withTeams(raw: Record<string, any>, fake: FakeBotFramework, extra: Record<string, unknown> = {}): void {
  const dir = join(raw.dataDir, 'secrets');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'password'), `${fake.opts.password}\n`);
  const ids: Record<string, string> = { alice: ALICE_AAD, bob: users.bob.id, carol: users.carol.id };
  for (const p of raw.people) p.chat = { ...p.chat, teams: ids[p.id] };
  raw.platforms = {
    ...raw.platforms,
    teams: {
      enabled: true,
      appId: fake.opts.appId,
      appPassword: { fromFile: join(dir, 'password') },
      tenantId: fake.opts.tenantId,
      serviceUrl: fake.serviceUrl,
      channels: { ops: { conversationId: OPS, serviceUrl: fake.serviceUrl, ...(extra.graph ? { teamId: TEAM_ID } : {}) } },
      endpoints: { openIdMetadataUrl: fake.openIdMetadataUrl, loginUrl: fake.loginUrl },
      ...extra,
      ...(extra.graph ? { graph: { url: `${fake.url}/v1.0`, ...(extra.graph as object) } } : {}),
    },
  };
}
