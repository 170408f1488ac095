// Noise control in config (issue 14 items 3-4): scheduled maintenance windows (matched like
// silences, with Alertmanager matchers), how often the worker refreshes its copy of the silences,
// and how long a resolved incident stays reopenable (the flap window).
import { z } from 'zod';
import { parseDuration } from './duration';
import { duration } from './primitives';
import { parseMatchers } from '../workflows/policy/matcher';

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(s), {
  message: 'expected an ISO-8601 time with a zone, e.g. "2026-12-06T02:00:00Z"',
});

const matcherText = z.string().superRefine((value, ctx) => {
  try {
    parseMatchers(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export const maintenanceSchema = z
  .array(
    z
      .object({
        name: z.string().min(1).describe('Shown in the incident timeline as maintenance:<name>'),
        matcher: matcherText.describe('Alertmanager matcher of the anomalies it holds back, e.g. {cluster="prod", namespace="shop"}'),
        start: instant.describe('When the window opens (ISO-8601 with a zone)'),
        end: instant.describe('When it closes; held-back incidents still open then alert and page'),
        reason: z.string().max(500).optional().describe('Why, shown in the timeline'),
      })
      .strict()
      .refine((w) => Date.parse(w.end) > Date.parse(w.start), { message: '"end" must be after "start"', path: ['end'] }),
  )
  .default([])
  .describe('Scheduled maintenance windows: matching anomalies open incidents that are recorded (timeline, archive) but alert and page only if still open when the window closes (docs/silences.md)');

export const silencesSchema = z
  .object({
    refreshInterval: duration
      .default(parseDuration('5s')!)
      .describe("How often each worker re-reads the active silences (one query of the `silences` workflow); a new silence applies to incidents opened after the next refresh"),
    announce: z
      .array(z.object({ platform: z.string().min(1).describe('A platform name under platforms, e.g. slack'), channel: z.string().min(1).describe('The channel id or name on that platform') }).strict())
      .optional()
      .describe('Channels told when a silence is created, removed or expires; default: the channels of routing.default'),
  })
  .strict()
  .default({ refreshInterval: parseDuration('5s')! })
  .describe('Silences (/incident silence, POST /api/silences), kept in the `silences` workflow');

export const incidentsSchema = z
  .object({
    flapWindow: duration
      .default(parseDuration('10m')!)
      .describe('A resolved incident that recurs within this time reopens (flapping: same thread, the responder re-notified, no new page storm); 0ms closes at once'),
  })
  .strict()
  .default({ flapWindow: parseDuration('10m')! })
  .describe('Incident lifecycle settings');
