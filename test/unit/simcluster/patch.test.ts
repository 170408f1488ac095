// JSON Patch (RFC 6902) and JSON merge patch (RFC 7386) as PATCH bodies are applied.
import { applyPatch, jsonPatch, mergePatch } from '../../../simcluster/patch';
import { StatusError } from '../../../simcluster/status';

describe('merge patch', () => {
  it('merges objects, replaces arrays and removes keys set to null', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: null, x: 1 }, e: [3], f: 'new' })).toEqual({ a: 1, b: { d: 3, x: 1 }, e: [3], f: 'new' });
  });

  it('does not change its input', () => {
    const target = { a: { b: 1 } };
    mergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('json patch', () => {
  it('applies add, replace, remove, copy, move and test in order', () => {
    const doc = { spec: { holder: 'a', list: [1, 2] }, meta: { 'a/b': 1 } };
    const out = jsonPatch(doc, [
      { op: 'test', path: '/spec/holder', value: 'a' },
      { op: 'replace', path: '/spec/holder', value: 'b' },
      { op: 'add', path: '/spec/list/-', value: 3 },
      { op: 'add', path: '/spec/list/0', value: 0 },
      { op: 'remove', path: '/meta/a~1b' },
      { op: 'copy', from: '/spec/holder', path: '/spec/copy' },
      { op: 'move', from: '/spec/copy', path: '/moved' },
    ]);
    expect(out).toEqual({ spec: { holder: 'b', list: [0, 1, 2, 3] }, meta: {}, moved: 'b' });
    expect(doc.spec.holder).toBe('a');
  });

  it('fails a failed test with 422 so compare-and-swap patches are safe', () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(StatusError);
  });

  it('refuses a path that does not exist for replace and remove', () => {
    expect(() => jsonPatch({}, [{ op: 'replace', path: '/a', value: 1 }])).toThrow(/missing/);
    expect(() => jsonPatch({}, [{ op: 'remove', path: '/a/b' }])).toThrow(/missing/);
  });

  it('refuses a body that is not a list of operations', () => {
    expect(() => jsonPatch({}, { op: 'add' })).toThrow(/array/);
  });
});

describe('applyPatch', () => {
  it('picks the patch kind from the content type', () => {
    expect(applyPatch('application/merge-patch+json', { a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(applyPatch('application/strategic-merge-patch+json; charset=utf-8', { a: 1 }, { a: null })).toEqual({});
    expect(applyPatch('application/json-patch+json', { a: 1 }, [{ op: 'remove', path: '/a' }])).toEqual({});
  });

  it('answers an unknown content type with 415', () => {
    try {
      applyPatch('application/apply-patch+yaml', {}, {});
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(415);
    }
  });
});
