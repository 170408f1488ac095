// The strict Elasticsearch fake: start it, point the real client at `url`, switch outages on and off.
export { FakeElasticsearch, type FakeElasticsearchOptions, type LoggedRequest } from './server';
export { EsError, errors as esErrors } from './errors';
export type { BulkItemFault } from './bulk';
