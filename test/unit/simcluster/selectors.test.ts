// Label and field selector grammar and matching, including what the real API server refuses.
import { fieldValue, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from '../../../simcluster/selectors';
import type { KubeObject } from '../../../simcluster';

const labels = { app: 'web', tier: 'front', 'app.kubernetes.io/name': 'shop' };
const matches = (sel: string, l: Record<string, string> | undefined = labels) => matchesLabels(parseLabelSelector(sel), l);

describe('label selectors', () => {
  it('parse every operator with spaces where the real parser allows them', () => {
    expect(parseLabelSelector('a=1, b==2,c != 3, d in (x, y),e notin (z), f, !g')).toEqual([
      { key: 'a', op: '=', value: '1' },
      { key: 'b', op: '=', value: '2' },
      { key: 'c', op: '!=', value: '3' },
      { key: 'd', op: 'in', values: ['x', 'y'] },
      { key: 'e', op: 'notin', values: ['z'] },
      { key: 'f', op: 'exists' },
      { key: 'g', op: '!exists' },
    ]);
  });

  it('treat an empty selector as matching everything', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector(undefined)).toEqual([]);
    expect(matches('', undefined)).toBe(true);
  });

  it('match equality, inequality, sets and existence like Kubernetes', () => {
    expect(matches('app=web')).toBe(true);
    expect(matches('app=db')).toBe(false);
    expect(matches('missing!=x')).toBe(true);
    expect(matches('app in (db,web)')).toBe(true);
    expect(matches('missing in (a)')).toBe(false);
    expect(matches('missing notin (a)')).toBe(true);
    expect(matches('app notin (web)')).toBe(false);
    expect(matches('tier,!missing')).toBe(true);
    expect(matches('app.kubernetes.io/name=shop')).toBe(true);
    expect(matches('app=web,tier=back')).toBe(false);
  });

  it('allow an empty value, as in env=', () => {
    expect(matches('env=', { env: '' })).toBe(true);
    expect(matches('env=', {})).toBe(false);
  });

  it.each([
    ['a in ()', /values set can't be empty/],
    ['a=b,', /found ''/],
    ['-bad=x', /invalid label key "-bad"/],
    ['a=b c', /unexpected syntax/],
    ['a=has space', /unexpected syntax/],
    ['a=' + 'x'.repeat(64), /Invalid value/],
    ['Upper.Case/x=y', /prefix part/],
  ])('refuse %s with a message', (sel, message) => {
    expect(() => parseLabelSelector(sel)).toThrow(SelectorError);
    expect(() => parseLabelSelector(sel)).toThrow(message);
  });
});

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } };
const event: KubeObject = {
  apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'shop' },
  involvedObject: { kind: 'Pod', name: 'p', namespace: 'shop' }, reason: 'BackOff', type: 'Warning', source: { component: 'kubelet' },
};
const podFields = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];
const eventFields = ['metadata.name', 'involvedObject.kind', 'involvedObject.name', 'reason', 'type', 'source'];

describe('field selectors', () => {
  it('match =, == and != on supported fields', () => {
    expect(matchesFields(parseFieldSelector('spec.nodeName=node-1,status.phase==Running', podFields), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('status.phase!=Running', podFields), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector('metadata.name=q', podFields), pod)).toBe(false);
  });

  it('match events by involved object, reason, type and source component', () => {
    expect(matchesFields(parseFieldSelector('involvedObject.kind=Pod,involvedObject.name=p,reason=BackOff,type=Warning,source=kubelet', eventFields), event)).toBe(true);
    expect(fieldValue(event, 'source')).toBe('kubelet');
  });

  it('treat a missing field as the empty string, as the real server does for spec.nodeName', () => {
    const unscheduled = { ...pod, spec: {} };
    expect(matchesFields(parseFieldSelector('spec.nodeName=', podFields), unscheduled)).toBe(true);
  });

  it('unescape \\, in values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b', podFields)).toEqual([{ field: 'metadata.name', op: '=', value: 'a,b' }]);
  });

  it('refuse a field the resource does not support, naming it', () => {
    expect(() => parseFieldSelector('spec.image=x', podFields)).toThrow('field label not supported: spec.image');
    expect(() => parseFieldSelector('nonsense', podFields)).toThrow(/invalid selector/);
  });
});
