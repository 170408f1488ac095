// The dashboard checks must be able to fail: names are found outside matchers, functions are not
// names, and a dashboard missing what Grafana needs is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardSchema, queriedMetrics } from '../../helpers/dashboard';

describe('the dashboard test helpers', () => {
  it('find the metric names a PromQL expression reads, not functions, labels or durations', () => {
    expect(queriedMetrics('histogram_quantile(0.95, sum by (le, route) (rate(api_http_request_duration_seconds_bucket{route="/x",a="b{c}"}[5m])))')).toEqual([
      'api_http_request_duration_seconds_bucket',
    ]);
    expect(queriedMetrics('(sum(up_total{q="1"}) < 1) or absent(other_metric) + rate(third[1h])')).toEqual(['up_total', 'other_metric', 'third']);
  });

  it("accept the chart's dashboard and refuse one without panels, ids or a datasource variable", () => {
    const good = JSON.parse(readFileSync(join(__dirname, '../../../charts/k8s-incident-flow/files/dashboard.json'), 'utf8'));
    expect(dashboardSchema.safeParse(good).success).toBe(true);
    expect(dashboardSchema.safeParse({ ...good, panels: [] }).success).toBe(false);
    expect(dashboardSchema.safeParse({ ...good, panels: [good.panels[0], good.panels[0]] }).success).toBe(false);
    expect(dashboardSchema.safeParse({ ...good, templating: { list: [] } }).success).toBe(false);
    expect(dashboardSchema.safeParse({ ...good, panels: [{ ...good.panels[0], targets: [{ refId: 'A' }] }] }).success).toBe(false);
  });
});
