// The test parser must reject what Prometheus rejects, or the metrics tests could not fail.
import { parsePrometheusText, sampleSum } from '../../helpers/prom-text';

const good = [
  '# HELP req_total Requests.',
  '# TYPE req_total counter',
  'req_total{route="/a",status="200"} 2',
  'req_total{route="/b\\"q\\\\",status="500"} 1',
  '# TYPE lat_seconds histogram',
  'lat_seconds_bucket{le="0.1"} 1',
  'lat_seconds_bucket{le="+Inf"} 3',
  'lat_seconds_sum 0.9',
  'lat_seconds_count 3',
  '',
].join('\n');

describe('the Prometheus text parser for tests', () => {
  it('reads families, types, escaped label values and histogram samples', () => {
    const f = parsePrometheusText(good);
    expect(f.get('req_total')).toMatchObject({ type: 'counter', help: 'Requests.' });
    expect(f.get('req_total')!.samples[1]!.labels.route).toBe('/b"q\\');
    expect(sampleSum(f, 'req_total')).toBe(3);
    expect(sampleSum(f, 'req_total', { status: '200' })).toBe(2);
    expect(sampleSum(f, 'lat_seconds_count')).toBe(3);
  });

  it.each([
    ['a missing final newline', good.trimEnd()],
    ['a bad metric name', good.replace('req_total{route="/a"', '1req{route="/a"')],
    ['an unknown escape', good.replace('\\"q', '\\tq')],
    ['a value that is not a number', good.replace('} 2\n', '} two\n')],
    ['a TYPE after samples', `${good}# TYPE req_total counter\n`],
    ['a family split in two', `${good}req_total{route="/c"} 1\n`],
    ['a histogram without +Inf', good.replace('le="+Inf"', 'le="1"')],
    ['a histogram whose count differs from +Inf', good.replace('lat_seconds_count 3', 'lat_seconds_count 4')],
    ['buckets that decrease', good.replace('lat_seconds_bucket{le="0.1"} 1', 'lat_seconds_bucket{le="0.1"} 5')],
    ['an unquoted label value', good.replace('status="200"', 'status=200')],
  ])('rejects %s', (_why, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
