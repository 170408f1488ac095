// Credential fields one level down (logging/redact.ts): censored in a copy, only where present.
import { censorNestedSecrets, CENSOR } from '../../../logging/redact';

describe('censoring credential fields one level down', () => {
  it('hands back the very same object when no field holds one, so an ordinary line copies nothing', () => {
    const fields = { method: 'POST', statusCode: 202, incident: { id: 'incident/a/b' }, list: [{ token: 'in-array' }] };
    expect(censorNestedSecrets(fields)).toBe(fields);
  });

  it('censors each credential field of an object field in a copy, leaving the logged object as it was', () => {
    const config = { url: 'http://127.0.0.1:1', botToken: 'xoxb-1', signingSecret: 's-2', nested: { token: 'two-levels-down' } };
    const out = censorNestedSecrets({ config, n: 1 });
    expect(out).toEqual({ config: { url: 'http://127.0.0.1:1', botToken: CENSOR, signingSecret: CENSOR, nested: { token: 'two-levels-down' } }, n: 1 });
    expect(config.botToken).toBe('xoxb-1');
  });

  it('keeps an Error an Error, with its message and stack, when it carries a credential field', () => {
    const err = Object.assign(new TypeError('refused'), { apiKey: 'k-3' });
    const out = censorNestedSecrets({ err }).err;
    expect(out).toBeInstanceOf(TypeError);
    expect([out.message, out.apiKey, out.stack]).toEqual(['refused', CENSOR, err.stack]);
  });
});
