// The strict Elasticsearch fake (start it, point the real client at `url`, switch outages on and off),
// and a fault proxy in front of the real test node.
export { FakeElasticsearch, type FakeElasticsearchOptions, type LoggedRequest } from './server';
export { EsError, errors as esErrors } from './errors';
export type { BulkItemFault } from './bulk';
export { EsFaultProxy, type ProxiedRequest } from './fault-proxy';
