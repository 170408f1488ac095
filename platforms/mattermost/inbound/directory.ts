// Mattermost user -> roster person, and the incidents a channel is about. The user id is the one
// Mattermost sent with the command or click (`user_id`), never a name from message text.
// people[].chat.mattermost decides; with platforms.mattermost.lookupUsersByEmail on, roster people
// without a Mattermost id are found by their email (one user lookup per unknown user, cached for a
// while; a failed lookup only means "not mapped" until it is retried a minute later).
import type { Client } from '@temporalio/client';
import type { Config, Person } from '../../../config/schema';
import type { Actor } from '../../../workflows/definitions';
import { PROP_INCIDENT } from '../shared/actions';
import { postsOf, type MattermostClient } from '../shared/client';
import { actorFor, actorForPerson } from '../../../api/identity';
import { getIncident } from '../../../api/incidents';

const CACHE_MS = 10 * 60_000;
const RETRY_MS = 60_000;
const CACHE_MAX = 5_000;
/** Recent channel posts read, and open incidents checked, when a command names no incident. */
const CHANNEL_SCAN = 100;
const CHANNEL_CANDIDATES = 10;

export class MattermostDirectory {
  private readonly byUser = new Map<string, { person?: Person; until: number }>();

  constructor(
    private readonly config: Config,
    private readonly client: MattermostClient,
    private readonly lookupByEmail: boolean,
  ) {}

  async person(userId: string): Promise<Person | undefined> {
    const direct = this.config.people.find((p) => p.chat.mattermost === userId);
    if (direct || !this.lookupByEmail) return direct;
    const cached = this.byUser.get(userId);
    if (cached && cached.until > Date.now()) return cached.person;
    let person: Person | undefined;
    let until = Date.now() + CACHE_MS;
    try {
      const user = await this.client.user(userId);
      const email = user.email?.toLowerCase();
      person = email && !user.delete_at ? this.config.people.find((p) => !p.chat.mattermost && p.email?.toLowerCase() === email) : undefined;
    } catch {
      until = Date.now() + RETRY_MS;
    }
    if (this.byUser.size > CACHE_MAX) this.byUser.clear();
    this.byUser.set(userId, { person, until });
    return person;
  }

  /** The actor for a Mattermost user; unknown users act with no roles, and the workflow refuses (and records) them. */
  async actor(userId: string, userName?: string): Promise<Actor> {
    const person = await this.person(userId);
    if (person) return actorForPerson(person, `mattermost:${userId}`);
    return { ...actorFor(this.config, 'mattermost', userId), ...(userName ? { display: `@${userName}` } : {}) };
  }

  /** Open incidents the bot posted about in this channel or DM (alerts, replies, pages), newest first. */
  async channelIncidents(temporal: Client, channel: string): Promise<string[]> {
    const bot = (await this.client.me()).id;
    const posts = postsOf(await this.client.channelPosts(channel, { page: 0, perPage: CHANNEL_SCAN }));
    const ids = [...new Set(posts.filter((p) => p.user_id === bot).map((p) => p.props?.[PROP_INCIDENT]).filter((x): x is string => typeof x === 'string' && x !== ''))];
    const open: string[] = [];
    for (const id of ids.slice(0, CHANNEL_CANDIDATES)) {
      const state = await getIncident(temporal, id).catch(() => undefined);
      if (state && state.status !== 'resolved') open.push(id);
    }
    return open;
  }
}
