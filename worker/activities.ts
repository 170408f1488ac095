// Composition root of the activities: config -> platform adapters -> activity factories.
import { heartbeat } from '@temporalio/activity';
import type { Config } from '../config/schema';
import { createChatActivities } from '../activities/chat';
import { platformsFromConfig } from '../platforms/outbound';
import { pagerDutyFromConfig } from '../activities/paging/pagerduty/events';
import type { MessageContext } from '../activities/chat/message';
import type { ChatPlatform } from '../activities/chat/platform';
import { createDiagnosticsActivities, type DiagnosticsProvider } from '../activities/diagnostics';
import { createDigestActivities } from '../activities/diagnostics/digest';
import { diagnosticsFromConfig } from '../activities/diagnostics/kubernetes';
import { createPagingActivities, type Pager } from '../activities/paging';
import { createEventActivities, type EventSink } from '../activities/events';
import { createConfigLookupActivities } from '../activities/config-lookups';
import type { SilenceSource } from '../activities/config-lookups/silences-cache';
import { createPostmortemActivities } from '../activities/postmortem';
import { eventSinksFromConfig, postmortemStoreFromConfig } from '../activities/postmortem/stores';
import type { PostmortemStore } from '../activities/postmortem/store';
import { webhookSinkFromConfig } from '../activities/webhooks/sink';

export interface ActivityDeps {
  /** Returns the current config; a reload applies to open incidents at their next step. */
  config: () => Config;
  /** Overrides the adapters built from config (tests plug in their own). */
  platforms?: Record<string, ChatPlatform>;
  diagnostics?: Record<string, DiagnosticsProvider>;
  pagers?: Record<string, Pager>;
  eventSinks?: EventSink[];
  postmortemStore?: PostmortemStore;
  /** Gets one line per incident lifecycle event (worker/main.ts: stdout, which `make dev` shows). */
  lifecycleLog?: (line: string) => void;
  /** The active silences routing consults (worker/worker.ts keeps them fresh); none when absent. */
  silences?: SilenceSource;
}

export function createActivities(deps: ActivityDeps) {
  const cfg = deps.config();
  const platforms = deps.platforms ?? platformsFromConfig(cfg, deps.config);
  // Built only when the caller did not bring its own pagers and sinks (tests do).
  const pagerduty = deps.pagers && deps.eventSinks ? undefined : pagerDutyFromConfig(deps.config);
  // Last among the sinks: the archive takes a batch before a receiver that is down fails it.
  const webhooks = webhookSinkFromConfig(deps.config);
  const context = (): MessageContext => {
    const c = deps.config();
    return {
      names: Object.fromEntries(c.people.map((p) => [p.id, p.name])),
      temporalUiUrl: c.temporal.uiUrl,
      temporalNamespace: c.temporal.namespace,
      apiUrl: c.api.publicUrl,
    };
  };
  const chat = createChatActivities(platforms, context);
  const diagnostics = createDiagnosticsActivities(deps.diagnostics ?? diagnosticsFromConfig(cfg, (m) => console.warn(m)), (d) => heartbeat(d));
  return {
    ...chat,
    ...diagnostics,
    ...createDigestActivities(diagnostics.runDiagnostics, chat.replyInThread),
    ...createPagingActivities(platforms, deps.config, deps.pagers ?? (pagerduty ? { pagerduty: pagerduty.pager } : {})),
    ...createEventActivities([...(deps.eventSinks ?? (pagerduty ? [pagerduty.sink] : [])), ...eventSinksFromConfig(cfg), ...(webhooks ? [webhooks] : [])], deps.lifecycleLog),
    ...createPostmortemActivities(deps.postmortemStore ?? postmortemStoreFromConfig(cfg), context, () => deps.config().postmortems),
    ...createConfigLookupActivities(deps.config, deps.silences),
  };
}
