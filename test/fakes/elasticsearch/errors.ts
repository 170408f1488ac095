// Error bodies shaped like Elasticsearch's: {error: {root_cause: [...], type, reason, ...}, status}.
// The client turns these into ResponseError with `meta.body`, and our code reads `error.type`.

export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
    readonly causedBy?: { type: string; reason: string },
  ) {
    super(reason);
  }

  /** The inner error object (also used for per-item errors of _bulk). */
  inner(): Record<string, unknown> {
    return { type: this.type, reason: this.reason, ...this.extra, ...(this.causedBy ? { caused_by: this.causedBy } : {}) };
  }

  body(): Record<string, unknown> {
    const root = { type: this.type, reason: this.reason, ...this.extra };
    return { error: { root_cause: [root], ...this.inner() }, status: this.status };
  }
}

const uuid = (index: string) => Buffer.from(index).toString('base64url').padEnd(22, 'x').slice(0, 22);

export const errors = {
  indexNotFound: (index: string) =>
    new EsError(404, 'index_not_found_exception', `no such index [${index}]`, { 'resource.type': 'index_or_alias', 'resource.id': index, index_uuid: '_na_', index }),
  indexExists: (index: string) => new EsError(400, 'resource_already_exists_exception', `index [${index}/${uuid(index)}] already exists`, { index_uuid: uuid(index), index }),
  invalidIndexName: (index: string, why: string) => new EsError(400, 'invalid_index_name_exception', `Invalid index name [${index}], ${why}`, { index_uuid: '_na_', index }),
  templateNotFound: (name: string) => new EsError(404, 'resource_not_found_exception', `index template matching [${name}] not found`),
  dataStreamNotFound: (name: string) => new EsError(404, 'index_not_found_exception', `no such index [${name}]`, { 'resource.type': 'index_or_alias', 'resource.id': name, index_uuid: '_na_', index: name }),
  validation: (problems: string[]) =>
    new EsError(400, 'action_request_validation_exception', `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`),
  illegalArgument: (reason: string) => new EsError(400, 'illegal_argument_exception', reason),
  parsing: (reason: string) => new EsError(400, 'parsing_exception', reason, { line: 1, col: 1 }),
  xContentParse: (reason: string) => new EsError(400, 'x_content_parse_exception', `[1:1] ${reason}`),
  documentParsing: (reason: string, causedBy?: { type: string; reason: string }) => new EsError(400, 'document_parsing_exception', reason, {}, causedBy),
  strictDynamic: (field: string, parent: string) =>
    new EsError(400, 'strict_dynamic_mapping_exception', `[1:2] mapping set to strict, dynamic introduction of [${field}] within [${parent}] is not allowed`),
  created: (index: string, id: string, version: number) =>
    new EsError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists (current version [${version}])`, { index_uuid: uuid(index), shard: '0', index }),
  seqNoConflict: (index: string, id: string, want: { seqNo: number; term: number }, have?: { seqNo: number; term: number }) =>
    new EsError(
      409,
      'version_conflict_engine_exception',
      `[${id}]: version conflict, required seqNo [${want.seqNo}], primary term [${want.term}]. ${have ? `current document has seqNo [${have.seqNo}] and primary term [${have.term}]` : 'but no document was found'}`,
      { index_uuid: uuid(index), shard: '0', index },
    ),
  unavailable: () => new EsError(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];'),
  rejected: (what = 'coordinating operation') =>
    new EsError(429, 'es_rejected_execution_exception', `rejected execution of ${what} [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1024, max_coordinating_and_primary_bytes=1024]`),
  unauthorized: () =>
    new EsError(401, 'security_exception', 'missing authentication credentials for REST request [/]', { header: { 'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'ApiKey'] } }),
  badApiKey: () =>
    new EsError(401, 'security_exception', 'unable to authenticate with provided credentials and anonymous access is not allowed for this request', {
      additional_unsuccessful_credentials: 'API key: invalid API Key',
      header: { 'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'ApiKey'] },
    }),
  mediaType: (detail: string) =>
    new EsError(400, 'media_type_header_exception', 'Invalid media-type value on headers [Accept, Content-Type]', {}, { type: 'status_exception', reason: detail }),
  resultWindow: (n: number) =>
    new EsError(
      400,
      'illegal_argument_exception',
      `Result window is too large, from + size must be less than or equal to: [10000] but was [${n}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
    ),
};
