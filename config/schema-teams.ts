// platforms.teams and paging.pagerduty (owned by the Teams and PagerDuty integrations).
import { z } from 'zod';

export const teamsSchema = z.object({ enabled: z.boolean().default(false) }).strict().optional();
export const pagerdutySchema = z.object({ enabled: z.boolean().default(false) }).strict().optional();
