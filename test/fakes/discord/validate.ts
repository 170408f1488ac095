// What Discord checks in a message body (create, edit, interaction answers) and in a modal, with
// the documented limits, reported in Discord's nested 50035 error shape:
//   { embeds: { 0: { fields: { 2: { value: { _errors: [{ code, message }] } } } } } }
// An empty object means the body is valid.
export type FormErrors = Record<string, unknown>;

const SNOWFLAKE = /^\d{17,20}$/;

function put(errors: FormErrors, path: (string | number)[], code: string, message: string): void {
  let node = errors as Record<string, any>;
  for (const p of path) node = node[String(p)] ??= {};
  (node._errors ??= []).push({ code, message });
}

const str = (v: unknown): v is string => typeof v === 'string';

function maxLength(errors: FormErrors, path: (string | number)[], v: unknown, max: number, required = false): void {
  if (v === undefined || v === null) {
    if (required) put(errors, path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (!str(v)) return put(errors, path, 'BASE_TYPE_STRING', 'Must be a string.');
  if (required && v.length === 0) put(errors, path, 'BASE_TYPE_REQUIRED', 'This field is required');
  if (v.length > max) put(errors, path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
}

function embeds(errors: FormErrors, list: unknown): void {
  if (!Array.isArray(list)) return put(errors, ['embeds'], 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (list.length > 10) put(errors, ['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  list.forEach((e: any, i) => {
    const at = (...p: (string | number)[]) => ['embeds', i, ...p];
    maxLength(errors, at('title'), e.title, 256);
    maxLength(errors, at('description'), e.description, 4096);
    maxLength(errors, at('footer', 'text'), e.footer?.text, 2048, e.footer !== undefined);
    if (e.color !== undefined && (!Number.isInteger(e.color) || e.color < 0 || e.color > 0xffffff)) put(errors, at('color'), 'NUMBER_TYPE_MAX', 'int value should be <= 16777215 and >= 0.');
    if (e.timestamp !== undefined && Number.isNaN(Date.parse(e.timestamp))) put(errors, at('timestamp'), 'DATE_TYPE_PARSE', 'Could not parse timestamp.');
    const fields = e.fields ?? [];
    if (fields.length > 25) put(errors, at('fields'), 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    fields.forEach((f: any, fi: number) => {
      maxLength(errors, at('fields', fi, 'name'), f.name, 256, true);
      maxLength(errors, at('fields', fi, 'value'), f.value, 1024, true);
      total += String(f.name ?? '').length + String(f.value ?? '').length;
    });
    total += String(e.title ?? '').length + String(e.description ?? '').length + String(e.footer?.text ?? '').length + String(e.author?.name ?? '').length;
  });
  if (total > 6000) put(errors, ['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

function components(errors: FormErrors, rows: unknown): void {
  if (!Array.isArray(rows)) return put(errors, ['components'], 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (rows.length > 5) put(errors, ['components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  const ids = new Set<string>();
  rows.forEach((row: any, r) => {
    if (row?.type !== 1) return put(errors, ['components', r, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
    const items = row.components;
    if (!Array.isArray(items) || items.length === 0 || items.length > 5) return put(errors, ['components', r, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
    items.forEach((b: any, c: number) => {
      const at = (...p: string[]) => ['components', r, 'components', c, ...p];
      if (b?.type !== 2) return put(errors, at('type'), 'COMPONENT_TYPE_INVALID', 'Only buttons are expected here in this fake.');
      if (![1, 2, 3, 4, 5].includes(b.style)) put(errors, at('style'), 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5}.');
      maxLength(errors, at('label'), b.label, 80);
      if (b.style === 5) {
        if (b.custom_id !== undefined) put(errors, at('custom_id'), 'BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID', 'A link button cannot have a custom id');
        if (!str(b.url) || !/^(https?|discord):\/\//.test(b.url) || b.url.length > 512) put(errors, at('url'), 'BUTTON_COMPONENT_INVALID_URL', 'A link button needs a http(s) url of at most 512 characters');
      } else {
        if (b.url !== undefined) put(errors, at('url'), 'BUTTON_COMPONENT_CUSTOM_ID_HAS_URL', 'A button with a custom id cannot have a url');
        maxLength(errors, at('custom_id'), b.custom_id, 100, true);
        if (str(b.custom_id) && ids.has(b.custom_id)) put(errors, at('custom_id'), 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
        if (str(b.custom_id)) ids.add(b.custom_id);
      }
    });
  });
}

function allowedMentions(errors: FormErrors, am: any): void {
  if (am === undefined) return;
  const parse: unknown[] = am.parse ?? [];
  if (!Array.isArray(parse) || parse.some((p) => !['users', 'roles', 'everyone'].includes(String(p))))
    put(errors, ['allowed_mentions', 'parse'], 'BASE_TYPE_CHOICES', 'Value must be one of {users, roles, everyone}.');
  for (const kind of ['users', 'roles'] as const) {
    const list = am[kind];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || list.length > 100 || list.some((x) => !SNOWFLAKE.test(String(x)))) put(errors, ['allowed_mentions', kind], 'BASE_TYPE_BAD_LENGTH', 'Must be up to 100 snowflakes.');
    // Documented: parse ["users"] together with a users list is ambiguous and refused.
    if (Array.isArray(list) && list.length > 0 && parse.includes(kind)) put(errors, ['allowed_mentions'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`);
  }
}

/** A create or edit body (and the message part of an interaction answer). */
export function validateMessage(body: Record<string, any>, opts: { create: boolean }): FormErrors {
  const errors: FormErrors = {};
  if (body.content !== undefined && body.content !== null) maxLength(errors, ['content'], body.content, 2000);
  if (body.embeds !== undefined && body.embeds !== null) embeds(errors, body.embeds);
  if (body.components !== undefined && body.components !== null) components(errors, body.components);
  allowedMentions(errors, body.allowed_mentions);
  if (body.nonce !== undefined && String(body.nonce).length > 25) put(errors, ['nonce'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  if (opts.create && !body.content && !(body.embeds ?? []).length && !(body.components ?? []).length) put(errors, [], 'MESSAGE_EMPTY', 'Cannot send an empty message');
  return errors;
}

/** A modal (interaction answer type 9): 1-5 action rows, each with one text input. */
export function validateModal(data: Record<string, any>): FormErrors {
  const errors: FormErrors = {};
  maxLength(errors, ['custom_id'], data.custom_id, 100, true);
  maxLength(errors, ['title'], data.title, 45, true);
  const rows = data.components;
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > 5) put(errors, ['components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  (Array.isArray(rows) ? rows : []).forEach((row: any, r) => {
    const input = row?.components?.[0];
    const at = (...p: string[]) => ['components', r, 'components', 0, ...p];
    if (row?.type !== 1 || row.components?.length !== 1 || input?.type !== 4) return put(errors, ['components', r], 'MODAL_ROW_INVALID', 'Each row must hold exactly one text input.');
    maxLength(errors, at('custom_id'), input.custom_id, 100, true);
    maxLength(errors, at('label'), input.label, 45, true);
    maxLength(errors, at('placeholder'), input.placeholder, 100);
    if (![1, 2].includes(input.style)) put(errors, at('style'), 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
    for (const k of ['min_length', 'max_length'])
      if (input[k] !== undefined && (!Number.isInteger(input[k]) || input[k] < (k === 'max_length' ? 1 : 0) || input[k] > 4000)) put(errors, at(k), 'NUMBER_TYPE_MAX', 'Must be between 0 and 4000.');
  });
  return errors;
}

/** Mentions Discord would notify for: `<@id>` in the content, as far as allowed_mentions lets them through. */
export function notifiedUsers(content: string, am: any): string[] {
  const named = [...content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1]!);
  if (am === undefined) return [...new Set(named)];
  const allowed = (am.parse ?? []).includes('users') ? named : named.filter((id) => (am.users ?? []).includes(id));
  return [...new Set(allowed)];
}

export const hasErrors = (e: FormErrors) => Object.keys(e).length > 0;
