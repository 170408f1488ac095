// Slack user -> roster person. The Slack user id is the one Slack signed for (body.user.id,
// user_id, event.user), never a name from message text. people[].chat.slack decides; when
// platforms.slack.lookupUsersByEmail is on, roster people without a Slack id are found by their
// email with users.lookupByEmail (cached for a while, so a roster of twenty costs twenty calls per
// ten minutes at most, and a lookup failure only means "not mapped" until the next refresh).
import type { WebClient } from '@slack/web-api';
import type { Config, Person } from '../../../config/schema';
import type { Actor } from '../../../workflows/definitions';
import { actorFor, actorForPerson } from '../../../api/identity';

const CACHE_MS = 10 * 60_000;
const RETRY_MS = 60_000;

export class SlackDirectory {
  private byEmail?: { at: number; map: Map<string, Person> };

  constructor(
    private readonly config: Config,
    private readonly client: WebClient,
    private readonly lookupByEmail: boolean,
  ) {}

  async person(slackUserId: string): Promise<Person | undefined> {
    const direct = this.config.people.find((p) => p.chat.slack === slackUserId);
    if (direct || !this.lookupByEmail) return direct;
    return (await this.emailMap()).get(slackUserId);
  }

  /** The actor for a Slack user; unknown users act with no roles, and the workflow refuses (and records) them. */
  async actor(slackUserId: string): Promise<Actor> {
    const person = await this.person(slackUserId);
    return person ? actorForPerson(person, `slack:${slackUserId}`) : actorFor(this.config, 'slack', slackUserId);
  }

  /**
   * `<@U123|bob>` / `<@U123>` in command text -> `@<person id>` when the user is on the roster, so
   * handoff targets resolve whichever way the person was mapped. Unknown mentions stay as typed.
   */
  async rewriteMentions(text: string): Promise<string> {
    const ids = [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!);
    let out = text;
    for (const id of new Set(ids)) {
      const person = await this.person(id);
      if (person) out = out.replace(new RegExp(`<@${id}(?:\\|[^>]*)?>`, 'g'), `@${person.id}`);
    }
    return out;
  }

  private async emailMap(): Promise<Map<string, Person>> {
    if (this.byEmail && Date.now() - this.byEmail.at < CACHE_MS) return this.byEmail.map;
    const map = new Map<string, Person>();
    let failed = false;
    for (const p of this.config.people.filter((x) => x.email && !x.chat.slack)) {
      try {
        const res = await this.client.users.lookupByEmail({ email: p.email! });
        if (res.user?.id && !res.user.deleted) map.set(res.user.id, p);
      } catch (err) {
        // Not in the workspace: unmapped. A missing scope or an outage: also unmapped, but retried sooner.
        if ((err as { data?: { error?: string } }).data?.error !== 'users_not_found') failed = true;
      }
    }
    this.byEmail = { at: failed ? Date.now() - CACHE_MS + RETRY_MS : Date.now(), map };
    return map;
  }
}
