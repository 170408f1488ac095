// Paging through chat: a direct message to the person plus a mention in every alert thread, on
// each platform the alert was posted to. Keys make a retried page a no-op, so nobody is paged twice.
import type { Config, Person } from '../../config/schema';
import type { MessageRef, Severity } from '../../workflows/definitions';
import type { ChatPlatform } from '../chat/platform';
import { earlierAttemptSince } from '../chat/attempt';
import { ErrorTypes, permanentFailure } from '../errors';
import { countedCall } from '../../metrics/incidents';

export interface PageInput {
  incidentId: string;
  /** Unique per incident occurrence, level, repeat and person, e.g. `<incident>@<opened>/page/L1R0/alice`. */
  key: string;
  personId: string;
  refs: MessageRef[];
  text: string;
  /** Incident severity, for pagers that rank pages (PagerDuty). */
  severity?: Severity;
  /** Channels for this page, from the escalation level (`chat` if absent). */
  via?: string[];
}

/** A paging channel other than chat (e.g. PagerDuty), chosen per escalation level by `via`. */
export interface Pager {
  readonly name: string;
  /** Pages the person; idempotent by `input.key`. Returns what was delivered, for the timeline. */
  page(input: PageInput, person: Person): Promise<string[]>;
}
export interface PageReceipt {
  delivered: string[];
}

export function createPagingActivities(platforms: Record<string, ChatPlatform>, config: () => Config, pagers: Record<string, Pager> = {}) {
  return {
    async pagePerson(input: PageInput): Promise<PageReceipt> {
      const person = config().people.find((p) => p.id === input.personId);
      if (!person) throw permanentFailure(ErrorTypes.personUnreachable, `person "${input.personId}" is no longer on the roster`);
      const delivered: string[] = [];
      const via = input.via?.length ? input.via : ['chat'];
      for (const name of via.filter((v) => v !== 'chat')) {
        const pager = pagers[name];
        if (!pager) throw permanentFailure(ErrorTypes.invalidRequest, `paging via "${name}" is not configured: enable it in the config or remove it from the escalation level`);
        delivered.push(...(await countedCall('paging', name, 'page', () => pager.page(input, person))));
      }
      if (!via.includes('chat')) return { delivered };
      const platformsUsed = [...new Set(input.refs.map((r) => r.platform))];
      for (const name of platformsUsed) {
        const chat = platforms[name];
        const user = (person.chat as Record<string, string | undefined>)[name] ?? (person.email && chat?.userForEmail ? await chat.userForEmail(person.email) : undefined);
        if (!chat || !user) continue;
        await countedCall('paging', name, 'directMessage', () => chat.directMessage(user, input.text, `${input.key}/dm/${name}`, input.incidentId));
        delivered.push(`${name} DM to ${user}`);
        for (const ref of input.refs.filter((r) => r.platform === name)) {
          const mention = { channel: ref.channel, threadId: ref.id, text: `@${user} ${input.text}`, key: `${input.key}/mention/${name}/${ref.channel}`, incidentId: input.incidentId, mentions: [user], meta: ref.meta, retrySince: earlierAttemptSince() };
          await countedCall('paging', name, 'mention', () => chat.post(mention));
          delivered.push(`${name} mention in #${ref.channel}`);
        }
      }
      if (delivered.length === 0)
        throw permanentFailure(ErrorTypes.personUnreachable, `${person.name} has no chat identity on ${platformsUsed.join(', ') || 'any alert platform'}: add people[].chat for them`);
      return { delivered };
    },
  };
}
export type PagingActivities = ReturnType<typeof createPagingActivities>;
