// Noise control in config (issue 14 items 3-4): scheduled maintenance windows, one-off or recurring
// (matched like silences, with Alertmanager matchers), how often the worker refreshes its copy of the silences,
// and how long a resolved incident stays reopenable (the flap window).
import { z } from 'zod';
import { parseDuration } from './duration';
import { duration, durationWithin, timeZone } from './primitives';
import { parseMatchers } from '../workflows/policy/matcher';
import { parseCron } from '../workflows/policy/recurrence';

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(s), {
  message: 'expected an ISO-8601 time with a zone, e.g. "2026-12-06T02:00:00Z"',
});

/** A string `parse` accepts; its error message becomes the config problem at that key. */
const parsedBy = (parse: (text: string) => unknown) =>
  z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
const matcherText = parsedBy(parseMatchers);
const cronText = parsedBy(parseCron);

/** A recurring window: each cron start opens it for `duration` (workflows/policy/recurrence.ts). */
const scheduleSchema = z
  .object({
    cron: cronText.describe('When each occurrence starts: minute hour day-of-month month day-of-week, in `timezone`, e.g. "0 2 * * SUN" (names, ranges, lists and steps; Sunday is 0 or 7)'),
    duration: durationWithin(60_000, 31 * 86_400_000).describe('How long each occurrence lasts (elapsed time, 1m to 31d), e.g. "2h"'),
    timezone: timeZone.describe('IANA zone the cron is read in, e.g. Europe/Berlin; a start time a DST change skips starts at the next valid minute'),
  })
  .strict();

export const maintenanceSchema = z
  .array(
    z
      .object({
        name: z.string().min(1).describe('Shown in the incident timeline as maintenance:<name>'),
        matcher: matcherText.describe('Alertmanager matcher of the anomalies it holds back, e.g. {cluster="prod", namespace="shop"}'),
        start: instant.optional().describe('A one-off window: when it opens (ISO-8601 with a zone); with end, instead of schedule'),
        end: instant.optional().describe('A one-off window: when it closes; held-back incidents still open then alert and page'),
        schedule: scheduleSchema.optional().describe('A recurring window, instead of start and end: e.g. { cron: "0 2 * * SUN", duration: "2h", timezone: Europe/Berlin }'),
        reason: z.string().max(500).optional().describe('Why, shown in the timeline'),
      })
      .strict()
      .superRefine((w, ctx) => {
        const oneOff = w.start !== undefined || w.end !== undefined;
        if (oneOff && w.schedule) ctx.addIssue({ code: 'custom', message: 'a window has either "start" and "end" (one-off) or "schedule" (recurring), not both: remove one', path: ['schedule'] });
        else if (!oneOff && !w.schedule) ctx.addIssue({ code: 'custom', message: 'a window needs "start" and "end" (one-off) or "schedule" (recurring), e.g. schedule: { cron: "0 2 * * SUN", duration: "2h", timezone: Europe/Berlin }' });
        else if (oneOff) {
          for (const key of ['start', 'end'] as const) if (w[key] === undefined) ctx.addIssue({ code: 'custom', message: `a one-off window needs "${key}" too`, path: [key] });
          if (w.start && w.end && !(Date.parse(w.end) > Date.parse(w.start))) ctx.addIssue({ code: 'custom', message: '"end" must be after "start"', path: ['end'] });
        }
      }),
  )
  .default([])
  .describe('Scheduled maintenance windows, one-off or recurring (cron): matching anomalies open incidents that are recorded (timeline, archive) but alert and page only if still open when the window closes (docs/silences.md)');

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
