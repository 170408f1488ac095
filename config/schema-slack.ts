// platforms.slack (owned by the Slack integration).
import { z } from 'zod';

export const slackSchema = z.object({ enabled: z.boolean().default(false) }).strict().optional();
