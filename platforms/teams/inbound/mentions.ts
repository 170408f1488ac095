// Turning a Teams message into the shared command language, purely. Teams writes mentions into the
// text as `<at>Name</at>` and lists them in `entities` with the user's id: the bot's own mention is
// dropped, a user's mention becomes the roster id it maps to (`@bob`) or `<@teams-id>` (unknown,
// so the workflow refuses and records who was asked for). Who is *acting* never comes from text.
import type { Config, Person } from '../../../config/schema';
import type { Actor } from '../../../workflows/definitions';
import { actorFor, personForPlatformUser } from '../../../api/identity';

export interface TeamsAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface TeamsEntity {
  type: string;
  text?: string;
  mentioned?: TeamsAccount;
}

export interface TeamsMessage {
  text?: string;
  recipient?: TeamsAccount;
  entities?: TeamsEntity[];
  conversation?: { id: string };
}

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'", '&amp;': '&' };

function decodeEntities(s: string): string {
  return s.replace(/&(nbsp|lt|gt|quot|#39|apos|amp);/g, (m) => ENTITIES[m] ?? m);
}

/** The roster person with this Teams identity (Teams user id or Azure AD object id). */
export function personForTeamsAccount(people: Person[], account: TeamsAccount): Person | undefined {
  return people.find((p) => p.chat.teams !== undefined && (p.chat.teams === account.id || (!!account.aadObjectId && p.chat.teams === account.aadObjectId)));
}

/** `<at>Bot</at> handoff <at>Bob</at> taking over` -> `/handoff @bob taking over`. */
export function commandText(message: TeamsMessage, people: Person[]): string {
  let text = message.text ?? '';
  const bot = message.recipient?.id;
  for (const e of message.entities ?? []) {
    if (e.type !== 'mention' || !e.text || !e.mentioned?.id) continue;
    let replacement = '';
    if (e.mentioned.id !== bot) {
      const person = personForTeamsAccount(people, e.mentioned);
      replacement = person ? `@${person.id}` : `<@${e.mentioned.id}>`;
    }
    text = text.split(e.text).join(` ${replacement} `);
  }
  // Rich-text messages arrive as HTML; keep only the words (and our `<@id>` placeholders).
  text = decodeEntities(text.replace(/<(?!@)[^>]*>/g, ' '));
  text = text.replace(/[ \t\u00a0]+/g, ' ').replace(/ *\n */g, '\n').trim();
  if (!text) return '/incident help';
  return text.startsWith('/') ? text : `/${text}`;
}

/** The alert a thread hangs under: channel thread conversation ids end in `;messageid=<root id>`. */
export function threadRoot(message: TeamsMessage): string | undefined {
  const m = /;messageid=([^;]+)$/.exec(message.conversation?.id ?? '');
  return m?.[1];
}

/** The actor behind a signed activity: its Azure AD object id or Teams user id, mapped by the roster. */
export function teamsActor(config: Config, from: TeamsAccount | undefined): Actor {
  if (!from?.id) return actorFor(config, 'teams', 'unknown');
  for (const id of [from.aadObjectId, from.id]) {
    if (id && personForPlatformUser(config, 'teams', id)) return actorFor(config, 'teams', id);
  }
  return { ...actorFor(config, 'teams', from.id), display: from.name ?? from.id };
}
