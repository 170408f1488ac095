// Builds validated configs for tests from the shipped example, with overrides per test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';
import type { Config } from '../../config/schema';

export function exampleRaw(): Record<string, any> {
  const raw = parse(readFileSync(join(__dirname, '../../config/example.yaml'), 'utf8'));
  // Resolved runs close at once (as before flapping existed) unless a test sets a flap window.
  raw.incidents ??= { flapWindow: '0ms' };
  return raw;
}

/**
 * Data dirs are named after the jest run (test/global-setup.ts), whose teardown removes whatever
 * a test left behind; removing them earlier could pull the floor from under a stack still stopping.
 */
export const TEST_DIR_PREFIX = `incident-test-${process.env.TEST_RUN_ID ?? 'manual'}-`;

/** A config with a fresh data dir, a simple always-on rotation and fast timers unless overridden. */
export function testConfig(mutate: (raw: Record<string, any>) => void = () => {}): Config {
  const raw = exampleRaw();
  raw.dataDir = mkdtempSync(join(tmpdir(), TEST_DIR_PREFIX));
  raw.alertUpdateDebounce = '200ms';
  raw.schedules = [
    { id: 'primary', timezone: 'UTC', layers: [{ rotation: 'weekly', start: '2020-01-06', participants: ['alice'] }] },
  ];
  raw.escalationPolicies = [
    { id: 'default', levels: [{ targets: [{ schedule: 'primary' }], delay: '5m' }, { targets: [{ person: 'carol' }], delay: '10m' }], repeat: 1 },
  ];
  raw.routing = { rules: [], default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' } };
  raw.autoResolve = { enabled: false, quietPeriod: '2m' };
  // The example's simulated `dev` cluster is for `make dev`; tests name their own clusters, so the
  // intake accepts any (test/integration/api/intake-clusters.test.ts covers the refusal).
  raw.clusters = [];
  raw.intake = { acceptUnknownClusters: true };
  delete raw.kubectl;
  mutate(raw);
  return parseConfig(raw, 'test config');
}

/** The problems a config (the example, changed by `mutate`) is refused with; [] when it is valid. */
export function configProblems(mutate: (raw: Record<string, any>) => void): string[] {
  const raw = exampleRaw();
  mutate(raw);
  try {
    parseConfig(raw, 'test');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
