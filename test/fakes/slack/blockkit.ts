// Block Kit validation as strict as Slack's for the parts this product uses: unknown block or
// element types, missing or over-long texts, too many blocks, fields, elements, duplicate ids.
// Errors read like Slack's `response_metadata.messages`: "[ERROR] <problem> [json-pointer:/blocks/0/text]".

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Surface {
  kind: 'message' | 'modal';
}

class Checker {
  readonly errors: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();
  constructor(private readonly surface: Surface['kind']) {}

  fail(path: string, problem: string): void {
    this.errors.push(`[ERROR] ${problem} [json-pointer:${path}]`);
  }

  keys(v: Json, path: string, allowed: string[]): void {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(`${path}/${k}`, `unknown field "${k}"`);
  }

  str(v: unknown, path: string, max: number, { required = true, min = 1 } = {}): v is string {
    if (v === undefined && !required) return false;
    if (typeof v !== 'string') {
      this.fail(path, 'must be a string');
      return false;
    }
    if (v.length < min) this.fail(path, `must be at least ${min} character${min === 1 ? '' : 's'}`);
    if (v.length > max) this.fail(path, `must be less than ${max + 1} characters`);
    return true;
  }

  text(v: unknown, path: string, max: number, types: ('plain_text' | 'mrkdwn')[] = ['plain_text', 'mrkdwn']): void {
    if (!isObj(v)) return this.fail(path, 'must provide an object');
    if (!types.includes(v.type as 'plain_text')) return this.fail(`${path}/type`, `must be one of ${types.join(', ')}`);
    this.keys(v, path, v.type === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim']);
    this.str(v.text, `${path}/text`, max);
  }

  actionId(v: unknown, path: string): void {
    if (!this.str(v, path, 255)) return;
    if (this.actionIds.has(v)) this.fail(path, `action_id "${v}" is already used in this ${this.surface}`);
    this.actionIds.add(v);
  }

  element(e: unknown, path: string, allowed: string[]): void {
    if (!isObj(e)) return this.fail(path, 'must provide an object');
    if (!allowed.includes(e.type as string)) return this.fail(`${path}/type`, `element type "${String(e.type)}" is not allowed here`);
    switch (e.type) {
      case 'button':
        this.keys(e, path, ['type', 'text', 'action_id', 'url', 'value', 'style', 'confirm', 'accessibility_label']);
        this.text(e.text, `${path}/text`, 75, ['plain_text']);
        this.actionId(e.action_id, `${path}/action_id`);
        this.str(e.value, `${path}/value`, 2000, { required: false });
        this.str(e.url, `${path}/url`, 3000, { required: false });
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') this.fail(`${path}/style`, 'must be "primary" or "danger"');
        return;
      case 'users_select':
        this.keys(e, path, ['type', 'action_id', 'placeholder', 'initial_user', 'confirm', 'focus_on_load']);
        this.actionId(e.action_id, `${path}/action_id`);
        if (e.placeholder !== undefined) this.text(e.placeholder, `${path}/placeholder`, 150, ['plain_text']);
        return;
      case 'plain_text_input':
        this.keys(e, path, ['type', 'action_id', 'placeholder', 'initial_value', 'multiline', 'min_length', 'max_length', 'focus_on_load']);
        this.actionId(e.action_id, `${path}/action_id`);
        if (e.placeholder !== undefined) this.text(e.placeholder, `${path}/placeholder`, 150, ['plain_text']);
        if (e.max_length !== undefined && (typeof e.max_length !== 'number' || e.max_length < 1 || e.max_length > 3000)) this.fail(`${path}/max_length`, 'must be between 1 and 3000');
        return;
      case 'image':
        this.keys(e, path, ['type', 'image_url', 'alt_text']);
        this.str(e.image_url, `${path}/image_url`, 3000);
        this.str(e.alt_text, `${path}/alt_text`, 2000);
        return;
      default:
        this.text(e, path, 3000);
    }
  }

  block(b: unknown, path: string): void {
    if (!isObj(b)) return this.fail(path, 'must provide an object');
    if (b.block_id !== undefined && this.str(b.block_id, `${path}/block_id`, 255)) {
      if (this.blockIds.has(b.block_id)) this.fail(`${path}/block_id`, `block_id "${b.block_id}" is already used`);
      this.blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        this.keys(b, path, ['type', 'block_id', 'text']);
        return this.text(b.text, `${path}/text`, 150, ['plain_text']);
      case 'section': {
        this.keys(b, path, ['type', 'block_id', 'text', 'fields', 'accessory', 'expand']);
        if (b.text === undefined && b.fields === undefined) return this.fail(path, 'must provide either "text" or "fields"');
        if (b.text !== undefined) this.text(b.text, `${path}/text`, 3000);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0) return this.fail(`${path}/fields`, 'must provide a non-empty array');
          if (b.fields.length > 10) this.fail(`${path}/fields`, 'must provide no more than 10 items');
          b.fields.forEach((f, i) => this.text(f, `${path}/fields/${i}`, 2000));
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${path}/accessory`, ['button', 'image', 'users_select']);
        return;
      }
      case 'context': {
        this.keys(b, path, ['type', 'block_id', 'elements']);
        if (!Array.isArray(b.elements) || b.elements.length === 0) return this.fail(`${path}/elements`, 'must provide a non-empty array');
        if (b.elements.length > 10) this.fail(`${path}/elements`, 'must provide no more than 10 items');
        b.elements.forEach((e, i) => this.element(e, `${path}/elements/${i}`, ['plain_text', 'mrkdwn', 'image']));
        return;
      }
      case 'actions': {
        this.keys(b, path, ['type', 'block_id', 'elements']);
        if (!Array.isArray(b.elements) || b.elements.length === 0) return this.fail(`${path}/elements`, 'must provide a non-empty array');
        if (b.elements.length > 25) this.fail(`${path}/elements`, 'must provide no more than 25 items');
        b.elements.forEach((e, i) => this.element(e, `${path}/elements/${i}`, ['button', 'users_select']));
        return;
      }
      case 'divider':
        return this.keys(b, path, ['type', 'block_id']);
      case 'input': {
        if (this.surface !== 'modal') return this.fail(`${path}/type`, 'input blocks are only allowed in modals and Home tabs');
        this.keys(b, path, ['type', 'block_id', 'label', 'element', 'hint', 'optional', 'dispatch_action']);
        this.text(b.label, `${path}/label`, 2000, ['plain_text']);
        if (b.hint !== undefined) this.text(b.hint, `${path}/hint`, 2000, ['plain_text']);
        this.element(b.element, `${path}/element`, ['plain_text_input', 'users_select']);
        return;
      }
      default:
        this.fail(`${path}/type`, `unknown block type "${String(b.type)}"`);
    }
  }
}

/** Problems with a `blocks` array for a message (max 50 blocks) or a modal (max 100). */
export function validateBlocks(blocks: unknown, surface: Surface['kind'] = 'message', pointer = '/blocks'): string[] {
  const c = new Checker(surface);
  if (!Array.isArray(blocks)) {
    c.fail(pointer, 'must provide an array');
    return c.errors;
  }
  const max = surface === 'message' ? 50 : 100;
  if (blocks.length > max) c.fail(pointer, `must provide no more than ${max} items`);
  blocks.forEach((b, i) => c.block(b, `${pointer}/${i}`));
  return c.errors;
}

/** Problems with a modal view (views.open). */
export function validateModal(view: unknown): string[] {
  const c = new Checker('modal');
  if (!isObj(view)) {
    c.fail('/view', 'must provide an object');
    return c.errors;
  }
  c.keys(view, '/view', ['type', 'title', 'blocks', 'close', 'submit', 'private_metadata', 'callback_id', 'clear_on_close', 'notify_on_close', 'external_id', 'submit_disabled']);
  if (view.type !== 'modal') c.fail('/view/type', 'must be "modal"');
  c.text(view.title, '/view/title', 24, ['plain_text']);
  if (view.close !== undefined) c.text(view.close, '/view/close', 24, ['plain_text']);
  if (view.submit !== undefined) c.text(view.submit, '/view/submit', 24, ['plain_text']);
  c.str(view.private_metadata, '/view/private_metadata', 3000, { required: false, min: 0 });
  c.str(view.callback_id, '/view/callback_id', 255, { required: false });
  const errors = [...c.errors, ...validateBlocks(view.blocks, 'modal', '/view/blocks')];
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined) errors.push('[ERROR] must provide "submit" when the view has input blocks [json-pointer:/view/submit]');
  return errors;
}
