// Which clusters the anomaly intake accepts, decided from the config alone.
import { unknownClusterProblem } from '../../../intake/clusters';
import { testConfig } from '../../helpers/config';

const config = (clusters: string[], acceptUnknownClusters: boolean) =>
  testConfig((raw) => {
    raw.clusters = clusters.map((name) => ({ name }));
    raw.intake = { acceptUnknownClusters };
  });

describe('unknownClusterProblem', () => {
  it('accepts a cluster listed in clusters[]', () => {
    expect(unknownClusterProblem(config(['production'], false), 'production')).toBeUndefined();
  });

  it('refuses an unlisted cluster, naming every known one and both ways out', () => {
    expect(unknownClusterProblem(config(['production', 'staging'], false), 'prod')).toBe(
      'cluster "prod" is not configured; known clusters: "production", "staging". Fix the name, add it under clusters[], or set intake.acceptUnknownClusters: true in the config to accept any cluster',
    );
  });

  it('refuses every cluster when clusters[] is empty, saying so', () => {
    expect(unknownClusterProblem(config([], false), 'prod')).toMatch(/^cluster "prod" is not configured and clusters\[\] is empty: add it under clusters\[\]/);
  });

  it('accepts any cluster when the config says so explicitly', () => {
    expect(unknownClusterProblem(config([], true), 'anything')).toBeUndefined();
    expect(unknownClusterProblem(config(['production'], true), 'prod')).toBeUndefined();
  });

  it('refuses unknown clusters by default (the key left out)', () => {
    const c = testConfig((raw) => {
      raw.clusters = [{ name: 'production' }];
      delete raw.intake;
    });
    expect(c.intake.acceptUnknownClusters).toBe(false);
    expect(unknownClusterProblem(c, 'prod')).toBeDefined();
  });
});
