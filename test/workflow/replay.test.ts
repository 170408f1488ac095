// Replays the histories recorded from every release's workflow code (test/workflow/histories/
// releases, `make record-histories`) against the current workflow code: a change that would break
// an incident left open by a deploy fails here, not in production (policy: docs/upgrades.md).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { replayWorkflowCode } from '../helpers/temporal';
import { releaseHistories, releases, replayAll, SCENARIOS, scenariosOf } from './histories/releases';

const version = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')).version as string;

describe('replaying the release histories', () => {
  it('has the histories of the current package version, with every recorded scenario', () => {
    if (!releases().includes(version)) throw new Error(`no release histories for version ${version} (package.json): run \`make record-histories\` (docs/upgrades.md, release checklist)`);
    expect(scenariosOf(version)).toEqual([...SCENARIOS].sort());
  });

  it('replays every history of every release deterministically against the current workflow code', async () => {
    const histories = releaseHistories();
    expect(histories.length).toBeGreaterThanOrEqual(SCENARIOS.length);
    const results = await replayAll(replayWorkflowCode(), histories);
    const failed = [...results].filter(([, error]) => error).map(([name, error]) => `${name}: ${error!.message}`);
    expect(failed).toEqual([]);
    expect([...results.keys()].sort()).toEqual(histories.map((h) => h.name).sort());
  });
});
