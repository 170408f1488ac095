// The activities the incident workflow calls, with their timeouts, retries and task priorities.
// Types only from activities/ (lint enforces it): the worker registers the implementations.
import * as wf from '@temporalio/workflow';
import type { ChatActivities } from '../../activities/chat';
import type { PagingActivities } from '../../activities/paging';
import type { DiagnosticsActivities } from '../../activities/diagnostics';
import type { DigestActivities } from '../../activities/diagnostics/digest';
import type { PostmortemActivities } from '../../activities/postmortem';
import type { ConfigLookupActivities } from '../../activities/config-lookups';
import type { EventActivities } from '../../activities/events';
import { severityPriorityKey, type Severity } from '../definitions';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' } as const;
// Temporal task priorities (1 runs first): under a burst the server hands the worker first alerts
// and pages, critical ones first, before card updates, thread replies and diagnostics, and event
// sinks and postmortems last. The chat rate budgets in the worker queue calls by the same key.
const urgentPriority = (severity: Severity) => ({ priorityKey: severityPriorityKey(severity) });
const LATER = { priorityKey: 4 };
const LAST = { priorityKey: 5 };
// Chat and paging retry for up to a day: a chat outage must delay the alert, not lose it. A call
// may wait for its rate budget in the worker (heartbeating every 10 s), hence the long start-to-close;
// the 30 s heartbeat timeout keeps a crashed worker's call retried as soon as the old 30 s limit did.
const chatOptions = { startToCloseTimeout: '5m', heartbeatTimeout: '30s', scheduleToCloseTimeout: '24h', retry } as const;
export const chat = wf.proxyActivities<ChatActivities & PagingActivities>({ ...chatOptions, priority: LATER });
/** First alerts and pages, ahead of everything else, by severity. */
export const urgentChat = (severity: Severity) => wf.proxyActivities<ChatActivities & PagingActivities>({ ...chatOptions, priority: urgentPriority(severity) });
// A person's ack, hand-off or resolve goes ahead of the debounced card updates of a burst.
export const personChat = wf.proxyActivities<ChatActivities>({ ...chatOptions, priority: { priorityKey: 2 } });
export const diagnostics = wf.proxyActivities<DiagnosticsActivities & DigestActivities>({ startToCloseTimeout: '2m', heartbeatTimeout: '30s', retry: { ...retry, maximumAttempts: 3 }, priority: LATER });
// The postmortem store retries until its backend is back, however long that takes.
export const postmortem = wf.proxyActivities<PostmortemActivities>({ startToCloseTimeout: '1m', retry: { ...retry, maximumInterval: '5m' }, priority: LAST });
// Event sinks (archive, pager) must eventually get every entry, so they retry without limit.
export const events = wf.proxyActivities<EventActivities>({ startToCloseTimeout: '1m', retry: { ...retry, maximumInterval: '5m' }, priority: LAST });
// Routing, escalation steps and names come from the current config, recorded in history.
export const lookups = wf.proxyLocalActivities<ConfigLookupActivities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 5 } });
