// A roster for api unit tests: the shipped example plus chat identities on several platforms.
import { parseConfig } from '../../../config/load';
import type { Config } from '../../../config/schema';
import { exampleRaw } from '../../helpers/config';

export function apiTestConfig(mutate: (raw: Record<string, any>) => void = () => {}): Config {
  const raw = exampleRaw();
  raw.dataDir = '/nonexistent-test-data-dir';
  raw.people[0].chat = { local: 'alice', slack: 'U0ALICE' };
  raw.people[1].chat = { local: 'bobby', slack: 'U0BOB' };
  raw.api.tokens = [];
  mutate(raw);
  return parseConfig(raw, 'api test config');
}
