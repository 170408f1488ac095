// The stored release histories (releases/<version>/<scenario>.json, recorded by record.ts) and one
// way to replay them all against some workflow code, for replay.test.ts and upgrades.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

export const RELEASES_DIR = join(__dirname, 'releases');

/** What record.ts records for a release (docs/upgrades.md describes each). */
export const SCENARIOS = [
  'open-waiting',
  'escalated',
  'acknowledged',
  'handed-off',
  'resolved-with-postmortem',
  'auto-resolved',
  'continue-as-new-first-run',
  'continue-as-new-second-run',
  'continue-as-new-second-run-resolved',
];

export interface ReleaseHistory {
  /** `<version>/<scenario>`, also the workflow id the replay uses. */
  name: string;
  release: string;
  scenario: string;
  history: temporal.api.history.v1.IHistory;
}

/** Release versions, oldest first (numeric order: 0.10.0 after 0.9.0). */
export function releases(): string[] {
  return readdirSync(RELEASES_DIR).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export function scenariosOf(release: string): string[] {
  return readdirSync(join(RELEASES_DIR, release)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

export function releaseHistories(): ReleaseHistory[] {
  return releases().flatMap((release) =>
    scenariosOf(release).map((scenario) => ({
      name: `${release}/${scenario}`,
      release,
      scenario,
      history: historyFromJSON(JSON.parse(readFileSync(join(RELEASES_DIR, release, `${scenario}.json`), 'utf8'))),
    })),
  );
}

/** Replays every history against `code` (a bundle or workflow sources); the error per history name, if any. */
export async function replayAll(code: Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>, histories = releaseHistories()): Promise<Map<string, Error | undefined>> {
  const results = new Map<string, Error | undefined>();
  const replays = Worker.runReplayHistories({ ...code, replayName: 'release-histories' }, histories.map((h) => ({ workflowId: h.name, history: h.history })));
  for await (const r of replays) results.set(r.workflowId, r.error);
  return results;
}
