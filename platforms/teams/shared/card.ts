// Adaptive Card rendering of the neutral incident message for Microsoft Teams. Buttons are
// Universal Actions (`Action.Execute`): Teams sends them to the bot as `adaptiveCard/action`
// invokes carrying the verb and `data.incidentId`, and the `refresh` action lets Teams fetch the
// newest card when someone opens the conversation. Pure: same message in, same JSON out (golden tests).
import type { Person } from '../../../config/schema';
import { ackLabel, assigneeLabel, splitFenced, type IncidentMessage } from '../../../activities/chat/message';

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const CARD_VERBS = ['ack', 'handoff', 'resolve', 'refresh'] as const;
export type CardVerb = (typeof CARD_VERBS)[number];
/** Input ids of the card; the invoke's `action.data` carries their values. */
export const CARD_INPUTS = { handoffTo: 'handoffTo', handoffNote: 'handoffNote', resolveSummary: 'resolveSummary' } as const;

export interface CardContext {
  /** Roster people with a Teams identity: the hand-off choices (value = person id). */
  people: { id: string; name: string }[];
  /** Teams user ids whose clients refresh the card automatically (Teams takes at most 60). */
  refreshUserIds: string[];
  /** A line for the person who acted (shown only to them in an invoke response). */
  notice?: { text: string; tone: 'error' | 'info' };
}

export type AdaptiveCard = Record<string, unknown>;

const STATUS: Record<IncidentMessage['status'], { label: string; style: string }> = {
  triggered: { label: 'TRIGGERED', style: 'attention' },
  acknowledged: { label: 'ACKNOWLEDGED', style: 'warning' },
  resolved: { label: 'RESOLVED', style: 'good' },
};
const SEVERITY_COLOR: Record<IncidentMessage['severity'], string> = { info: 'accent', warning: 'warning', error: 'attention', critical: 'attention' };
const MAX_REFRESH_USERS = 60;
const MAX_CHOICES = 100;

const execute = (title: string, verb: CardVerb, incidentId: string, extra: Record<string, unknown> = {}) => ({
  type: 'Action.Execute',
  title,
  verb,
  data: { incidentId },
  ...extra,
});

function facts(m: IncidentMessage): { title: string; value: string }[] {
  const out = [
    { title: 'Severity', value: m.severity.toUpperCase() },
    { title: 'Resource', value: m.resource },
    { title: 'Cluster', value: m.cluster },
  ];
  if (m.namespace) out.push({ title: 'Namespace', value: m.namespace });
  out.push({ title: 'Occurrences', value: String(m.occurrences) }, { title: 'First seen', value: m.firstSeen }, { title: 'Last seen', value: m.lastSeen });
  if (m.assignee) out.push({ title: assigneeLabel(m), value: m.assignee });
  if (m.level > 0) out.push({ title: 'Escalation level', value: String(m.level) });
  if (m.snooze) out.push({ title: 'Escalation', value: m.snooze.label });
  if (m.summary) out.push({ title: 'Resolution', value: m.summary });
  return out;
}

function actions(m: IncidentMessage, ctx: CardContext): unknown[] {
  const out: unknown[] = [];
  if (m.actions.includes('ack')) out.push(execute(m.handoffPending ? ackLabel(m) : 'Acknowledge', 'ack', m.incidentId, { style: 'positive' }));
  if (m.actions.includes('handoff') && ctx.people.length > 0) {
    out.push({
      type: 'Action.ShowCard',
      title: 'Hand off',
      card: {
        type: 'AdaptiveCard',
        body: [
          {
            type: 'Input.ChoiceSet',
            id: CARD_INPUTS.handoffTo,
            label: 'New responder',
            style: 'compact',
            isRequired: true,
            errorMessage: 'Pick who takes over.',
            choices: ctx.people.slice(0, MAX_CHOICES).map((p) => ({ title: p.name, value: p.id })),
          },
          { type: 'Input.Text', id: CARD_INPUTS.handoffNote, label: 'Note', isMultiline: true, maxLength: 2000, placeholder: 'What they should know' },
        ],
        actions: [execute('Hand off', 'handoff', m.incidentId)],
      },
    });
  }
  if (m.actions.includes('resolve')) {
    out.push({
      type: 'Action.ShowCard',
      title: 'Resolve',
      card: {
        type: 'AdaptiveCard',
        body: [
          {
            type: 'Input.Text',
            id: CARD_INPUTS.resolveSummary,
            label: 'What fixed it?',
            isMultiline: true,
            isRequired: true,
            maxLength: 4000,
            errorMessage: 'A short summary is required.',
          },
        ],
        actions: [execute('Resolve', 'resolve', m.incidentId, { style: 'positive' })],
      },
    });
  }
  for (const link of m.links) out.push({ type: 'Action.OpenUrl', title: link.label, url: link.url });
  return out;
}

export function renderAdaptiveCard(m: IncidentMessage, ctx: CardContext): AdaptiveCard {
  const status = STATUS[m.status];
  const body: unknown[] = [
    {
      type: 'Container',
      style: status.style,
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          text: `${status.label} · ${m.severity.toUpperCase()}`,
          weight: 'Bolder',
          color: SEVERITY_COLOR[m.severity],
          size: 'Small',
        },
        { type: 'TextBlock', text: m.title, weight: 'Bolder', size: 'Large', wrap: true },
      ],
    },
    { type: 'TextBlock', text: `${m.reason}: ${m.detail}`, wrap: true },
    ...(m.alertSummary ? [{ type: 'TextBlock', text: m.alertSummary, wrap: true, weight: 'Bolder' }] : []),
    ...(m.alertDescription ? [{ type: 'TextBlock', text: m.alertDescription, wrap: true }] : []),
    { type: 'FactSet', facts: facts(m) },
  ];
  if (m.digest) body.push({ type: 'TextBlock', text: `Diagnostics: ${m.digest}`, wrap: true, isSubtle: true });
  if (ctx.notice) body.push({ type: 'TextBlock', text: ctx.notice.text, wrap: true, weight: 'Bolder', color: ctx.notice.tone === 'error' ? 'attention' : 'good' });
  body.push({ type: 'TextBlock', text: `id ${m.incidentId}`, isSubtle: true, size: 'Small', wrap: true });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    // 1.4 is the first version with Action.Execute (Universal Actions).
    version: '1.4',
    refresh: {
      action: execute('Refresh', 'refresh', m.incidentId),
      userIds: ctx.refreshUserIds.slice(0, MAX_REFRESH_USERS),
    },
    msteams: { width: 'Full' },
    body,
    actions: actions(m, ctx),
  };
}

/** An attachment for a Bot Framework activity. */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: CARD_CONTENT_TYPE, content: card };
}

/** The card context for a roster: people with a Teams identity can be handed to and auto-refresh. */
export function cardContextFor(people: Person[], notice?: CardContext['notice']): CardContext {
  const teams = people.filter((p) => p.chat.teams);
  return { people: teams.map((p) => ({ id: p.id, name: p.name })), refreshUserIds: teams.map((p) => p.chat.teams!), ...(notice ? { notice } : {}) };
}

/**
 * A plain message as a small card (thread replies and channel notes). Cards, unlike text messages,
 * can carry the post's key (postMarker), which a retry looks for through Graph. Mentions go in
 * `msteams.entities`, as Teams expects them in cards, and notify the person like text mentions.
 */
export function textCard(markdown: string, mentions: { text: string; mentioned: { id: string; name: string } }[] = []): AdaptiveCard {
  const parts = splitFenced(markdown);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    // CodeBlock needs 1.5; plain notes keep the version their goldens and older clients know.
    version: parts.some((p) => p.code) ? '1.5' : '1.4',
    body: parts.map((p) => (p.code ? codeBlock(p.text.replace(/\n\n/g, '\n')) : { type: 'TextBlock', text: p.text, wrap: true })),
    msteams: { width: 'Full', ...(mentions.length ? { entities: mentions.map((m) => ({ type: 'mention', ...m })) } : {}) },
  };
}

/**
 * Fixed-width output: Teams' CodeBlock keeps columns and line breaks; clients without it fall back
 * to a monospace TextBlock. (The caller's paragraph doubling is undone: code keeps single breaks.)
 */
export function codeBlock(code: string): Record<string, unknown> {
  return {
    type: 'CodeBlock',
    codeSnippet: code,
    language: 'PlainText',
    fallback: { type: 'TextBlock', text: code, fontType: 'Monospace', wrap: true },
  };
}

/** A /kubectl answer as a card: the command line, then its output in a code block. */
export function codeCard(head: string, body: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text: head, wrap: true, weight: 'Bolder' }, codeBlock(body)],
    msteams: { width: 'Full' },
  };
}

/** The card with `id` on its first element (a copy; the renderers stay pure). */
export function withElementId(card: AdaptiveCard, id: string): AdaptiveCard {
  const body = (card.body as Record<string, unknown>[] | undefined) ?? [];
  if (body.length === 0) return card;
  return { ...card, body: [{ ...body[0], id }, ...body.slice(1)] };
}
