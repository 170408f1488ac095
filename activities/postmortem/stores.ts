// Picks the postmortem store and the event archive from the config: files under
// <dataDir>/postmortems by default, Elasticsearch when `postmortems.store: elasticsearch`; the
// archive data stream when `elasticsearch.archive.enabled`. Used by the worker and the api.
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema';
import type { EventSink } from '../events';
import { ElasticEventArchive } from '../archive';
import { connectElastic } from './elastic';
import { ElasticPostmortemStore } from './elastic-store';
import { FilePostmortemStore } from './file-store';
import type { PostmortemStore } from './store';

export function postmortemStoreFromConfig(cfg: Config, env: NodeJS.ProcessEnv = process.env): PostmortemStore {
  if (cfg.postmortems.store === 'elasticsearch') {
    if (!cfg.elasticsearch) throw new Error('postmortems.store is "elasticsearch" but the config has no elasticsearch section');
    return new ElasticPostmortemStore(connectElastic(cfg.elasticsearch, env), cfg.postmortems.index);
  }
  return new FilePostmortemStore(join(resolve(cfg.dataDir), 'postmortems'));
}

export function eventSinksFromConfig(cfg: Config, env: NodeJS.ProcessEnv = process.env): EventSink[] {
  const es = cfg.elasticsearch;
  if (!es?.archive.enabled) return [];
  return [new ElasticEventArchive(connectElastic(es, env), es.archive.dataStream)];
}
