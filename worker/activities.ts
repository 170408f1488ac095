// Composition root of the activities: config -> platform adapters -> activity factories.
import { join } from 'node:path';
import { heartbeat } from '@temporalio/activity';
import type { Config } from '../config/schema';
import { createChatActivities } from '../activities/chat';
import { createLocalChat } from '../activities/chat/local';
import type { MessageContext } from '../activities/chat/message';
import type { ChatPlatform } from '../activities/chat/platform';
import { createDiagnosticsActivities, type DiagnosticsProvider } from '../activities/diagnostics';
import { createPagingActivities, type Pager } from '../activities/paging';
import { createEventActivities, type EventSink } from '../activities/events';
import { createPolicyActivities } from '../activities/policy';
import { createPostmortemActivities } from '../activities/postmortem';
import { FilePostmortemStore } from '../activities/postmortem/file-store';

export interface ActivityDeps {
  /** Returns the current config; a reload applies to open incidents at their next step. */
  config: () => Config;
  /** Overrides the adapters built from config (tests plug in their own). */
  platforms?: Record<string, ChatPlatform>;
  diagnostics?: Record<string, DiagnosticsProvider>;
  pagers?: Record<string, Pager>;
  eventSinks?: EventSink[];
}

export function platformsFromConfig(cfg: Config): Record<string, ChatPlatform> {
  const platforms: Record<string, ChatPlatform> = {};
  if (cfg.platforms.local.enabled) platforms.local = createLocalChat({ url: cfg.platforms.local.url });
  return platforms;
}

export function createActivities(deps: ActivityDeps) {
  const cfg = deps.config();
  const platforms = deps.platforms ?? platformsFromConfig(cfg);
  const context = (): MessageContext => {
    const c = deps.config();
    return {
      names: Object.fromEntries(c.people.map((p) => [p.id, p.name])),
      temporalUiUrl: c.temporal.uiUrl,
      temporalNamespace: c.temporal.namespace,
      apiUrl: c.api.publicUrl,
    };
  };
  return {
    ...createChatActivities(platforms, context),
    ...createPagingActivities(platforms, deps.config, deps.pagers ?? {}),
    ...createEventActivities(deps.eventSinks ?? []),
    ...createDiagnosticsActivities(deps.diagnostics ?? {}, (d) => heartbeat(d)),
    ...createPostmortemActivities(new FilePostmortemStore(join(cfg.dataDir, 'postmortems')), context),
    ...createPolicyActivities(deps.config),
  };
}
