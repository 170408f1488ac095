import { pinnedTenants, tenantRefusal } from '../../../../platforms/teams/inbound/tenant';
import { testConfig } from '../../../helpers/config';

const HOME = '11111111-1111-1111-1111-111111111111';
const BRANCH = '22222222-2222-2222-2222-222222222222';
const OTHER = '99999999-9999-9999-9999-999999999999';
const teams = (extra: Record<string, unknown>) =>
  testConfig((raw) => (raw.platforms.teams = { enabled: true, allowUnauthenticated: true, channels: { ops: { conversationId: '19:x', serviceUrl: 'http://127.0.0.1:9/', tenantId: BRANCH } }, ...extra }));
const activity = (conversation?: string, channelData?: string) => ({
  ...(conversation ? { conversation: { tenantId: conversation } } : {}),
  ...(channelData ? { channelData: { tenant: { id: channelData } } } : {}),
});

describe('the Teams tenant pin', () => {
  const pinned = pinnedTenants(teams({ tenantId: HOME }));

  it('pins the configured tenant and the tenants of configured channels', () => {
    expect([...pinned].sort()).toEqual([HOME, BRANCH]);
    expect(tenantRefusal(pinned, activity(HOME, HOME))).toBeUndefined();
    expect(tenantRefusal(pinned, activity(BRANCH))).toBeUndefined();
  });

  it('refuses another tenant wherever the activity names it, and an activity naming none', () => {
    expect(tenantRefusal(pinned, activity(OTHER, OTHER))).toMatch(new RegExp(`this request came from tenant ${OTHER}, so nothing was changed\\.$`));
    expect(tenantRefusal(pinned, activity(HOME, OTHER))).toMatch(/came from tenant 9999/);
    expect(tenantRefusal(pinned, activity())).toMatch(/came from no tenant/);
  });

  it('is off when no tenant is configured anywhere (the api warns at start)', () => {
    const open = pinnedTenants(testConfig((raw) => (raw.platforms.teams = { enabled: true, allowUnauthenticated: true })));
    expect(open.size).toBe(0);
    expect(tenantRefusal(open, activity(OTHER))).toBeUndefined();
  });
});
