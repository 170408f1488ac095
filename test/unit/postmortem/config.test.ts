// The postmortems / elasticsearch / archive part of the config: defaults, the cross-check that
// the Elasticsearch store needs a node, and credentials only through secret references.
import { ConfigError } from '../../../config/load';
import { testConfig } from '../../helpers/config';

const problems = (mutate: (raw: Record<string, any>) => void): string[] => {
  try {
    testConfig(mutate);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('postmortem and Elasticsearch config', () => {
  it('defaults to the file store with no Elasticsearch and no archive', () => {
    const cfg = testConfig((raw) => delete raw.postmortems);
    expect(cfg.postmortems).toEqual({ store: 'file', index: 'incident-postmortems' });
    expect(cfg.elasticsearch).toBeUndefined();
  });

  it('fills Elasticsearch defaults: compatible-with 9, a 30s request timeout, the archive off', () => {
    const cfg = testConfig((raw) => {
      raw.postmortems = { store: 'elasticsearch', displayTimeZone: 'Europe/Berlin' };
      raw.elasticsearch = { node: 'http://127.0.0.1:9200', auth: { apiKey: { fromEnv: 'ES_API_KEY' } } };
    });
    expect(cfg.elasticsearch).toEqual({
      node: 'http://127.0.0.1:9200',
      auth: { apiKey: { fromEnv: 'ES_API_KEY' } },
      compatibleWith: 9,
      requestTimeout: 30_000,
      archive: { enabled: false, dataStream: 'incident-events' },
    });
    expect(cfg.postmortems.displayTimeZone).toBe('Europe/Berlin');
  });

  it('says what to add when the Elasticsearch store has no elasticsearch section', () => {
    expect(problems((raw) => (raw.postmortems = { store: 'elasticsearch' }))).toEqual([
      'postmortems.store: is "elasticsearch" but there is no "elasticsearch" section: add elasticsearch.node (e.g. http://127.0.0.1:9200) or use store: file',
    ]);
  });

  it('refuses credentials in the node URL, inline passwords, unknown versions, bad names and zones', () => {
    const found = problems((raw) => {
      raw.postmortems = { store: 'elasticsearch', index: 'Incident Postmortems', displayTimeZone: 'Mars/Olympus' };
      raw.elasticsearch = { node: 'http://elastic:hunter2@127.0.0.1:9200', compatibleWith: 7, requestTimeout: '10ms', auth: { username: 'elastic', password: 'hunter2' }, archive: { enabled: true, dataStream: '_events' } };
    });
    const text = found.join('\n');
    expect(text).toMatch(/elasticsearch\.node: must not contain credentials/);
    expect(text).toMatch(/elasticsearch\.compatibleWith/);
    expect(text).toMatch(/elasticsearch\.requestTimeout: expected a duration of at least 100ms/);
    expect(text).toMatch(/elasticsearch\.auth/);
    expect(text).toMatch(/elasticsearch\.archive\.dataStream: expected a lowercase Elasticsearch index name/);
    expect(text).toMatch(/postmortems\.index: expected a lowercase Elasticsearch index name/);
    expect(text).toMatch(/postmortems\.displayTimeZone: expected an IANA time zone/);
    expect(text).not.toContain('hunter2');
  });

  it('accepts a user and a password read from a mounted file', () => {
    const cfg = testConfig((raw) => {
      raw.elasticsearch = { node: 'https://es.internal:9200', auth: { username: 'incidents', password: { fromFile: '/run/secrets/es-password' } }, caFile: '/run/secrets/es-ca.pem', compatibleWith: 8 };
    });
    expect(cfg.elasticsearch).toMatchObject({ compatibleWith: 8, auth: { username: 'incidents', password: { fromFile: '/run/secrets/es-password' } } });
  });
});
