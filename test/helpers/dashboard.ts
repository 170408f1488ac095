// What the chart's Grafana dashboard and rules query: a structural check of the dashboard model
// (the fields Grafana needs to load it) and the metric names read by PromQL expressions.
import { z } from 'zod';

const target = z.object({ refId: z.string().min(1), expr: z.string().min(1), legendFormat: z.string().optional(), datasource: z.object({ type: z.literal('prometheus'), uid: z.string() }) }).strict();
const panel = z
  .object({
    id: z.number().int().positive(),
    type: z.enum(['timeseries', 'stat', 'gauge', 'table', 'bargauge', 'heatmap']),
    title: z.string().min(1),
    datasource: z.object({ type: z.literal('prometheus'), uid: z.literal('${datasource}') }),
    gridPos: z.object({ h: z.number().int().positive(), w: z.number().int().min(1).max(24), x: z.number().int().min(0).max(23), y: z.number().int().min(0) }).strict(),
    fieldConfig: z.object({ defaults: z.record(z.string(), z.unknown()), overrides: z.array(z.unknown()) }),
    options: z.record(z.string(), z.unknown()),
    targets: z.array(target).min(1),
  })
  .strict();
export const dashboardSchema = z
  .object({
    uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
    title: z.string().min(1),
    description: z.string(),
    tags: z.array(z.string()),
    timezone: z.string(),
    schemaVersion: z.number().int().min(36),
    version: z.number().int(),
    editable: z.boolean(),
    time: z.object({ from: z.string(), to: z.string() }),
    refresh: z.string(),
    templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()) }),
    annotations: z.object({ list: z.array(z.unknown()) }),
    panels: z.array(panel).min(1),
  })
  .strict()
  .superRefine((d, ctx) => {
    const ids = d.panels.map((p) => p.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'panel ids repeat' });
    if (!d.templating.list.some((v) => v.name === 'datasource' && v.type === 'datasource')) ctx.addIssue({ code: 'custom', message: 'no ${datasource} variable' });
  });
export type Dashboard = z.output<typeof dashboardSchema>;

const PROMQL = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'irate', 'histogram_quantile', 'absent', 'or', 'and', 'unless', 'clamp_min', 'vector', 'bool', 'offset']);

/** The metric names one PromQL expression reads (label matchers, ranges, strings and groupings removed). */
export function queriedMetrics(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((n) => !PROMQL.has(n));
}
