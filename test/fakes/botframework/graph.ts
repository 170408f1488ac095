// The slice of Microsoft Graph a Teams bot reads its own channel posts back with, over the fake's
// stored messages:
//   GET /v1.0/teams/:team/channels/:channel/messages/delta?$top&$filter=lastModifiedDateTime gt <time>
//   GET /v1.0/teams/:team/channels/:channel/messages/:id/replies?$top
// As strict as Graph: a Graph token is required (a Bot Connector token is refused), the permission
// can be withdrawn (403), $top is at most 50, the delta filter accepts only `lastModifiedDateTime gt`,
// unknown teams, channels and messages are 404, and pages chain through absolute @odata.nextLink URLs.
// Messages look like Graph's chatMessage: cards come back as JSON strings in attachments[].content.
import type { IncomingMessage } from 'node:http';
import type { FakeBotFramework, StoredActivity } from './server';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

type Send = (status: number, body?: unknown, headers?: Record<string, string>) => void;

export function handleGraph(fake: FakeBotFramework, req: IncomingMessage, path: string, send: Send): void {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  const reply = (status: number, body: unknown) => {
    fake.graphRequests.push({ path, query: query.toString(), status });
    send(status, body);
  };
  const error = (status: number, code: string, message: string) => reply(status, { error: { code, message, innerError: { date: new Date().toISOString() } } });

  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) return error(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  if (!fake.graphTokens.has(bearer)) return error(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
  if (!fake.graphPermission) return error(403, 'Forbidden', 'Missing role permissions on the request. API requires one of \'ChannelMessage.Read.Group, ChannelMessage.Read.All\'.');
  if (req.method !== 'GET') return error(405, 'BadRequest', `${req.method} is not supported here`);

  const m = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/messages\/(?:(delta)|([^/]+)\/replies)$/.exec(path);
  if (!m) return error(404, 'NotFound', `Resource not found for the segment in ${path}`);
  const [teamId, channelId] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  if (!fake.opts.teamId || teamId !== fake.opts.teamId) return error(404, 'NotFound', `No team found with Group Id ${teamId}`);
  if (!fake.opts.conversations.includes(channelId)) return error(404, 'NotFound', `Channel ${channelId} not found in team ${teamId}`);

  const top = Number(query.get('$top') ?? '20');
  if (!Number.isInteger(top) || top < 1 || top > 50) return error(400, 'BadRequest', 'Invalid page size specified: $top must be between 1 and 50.');
  const skip = Number(query.get('$skiptoken') ?? '0');

  let messages: StoredActivity[];
  if (m[3]) {
    const filter = query.get('$filter');
    let after = -Infinity;
    if (filter !== null) {
      const f = /^lastModifiedDateTime gt (\S+)$/.exec(filter);
      if (!f || Number.isNaN(Date.parse(f[1]!))) return error(400, 'BadRequest', `Unsupported filter: ${filter}. Only 'lastModifiedDateTime gt <DateTimeOffset>' is supported.`);
      after = Date.parse(f[1]!);
    }
    messages = fake.stored.filter((s) => s.conversationId === channelId && !s.replyToId && s.modifiedAt > after);
  } else {
    const root = decodeURIComponent(m[4]!);
    if (!fake.stored.some((s) => s.conversationId === channelId && s.id === root && !s.replyToId)) return error(404, 'NotFound', `Message ${root} not found.`);
    messages = fake.stored.filter((s) => s.conversationId === channelId && s.replyToId === root);
  }

  const page = messages.slice(skip, skip + top).map((s) => chatMessage(fake, s));
  const more = skip + top < messages.length;
  const link = (extra: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `${fake.url}${path}?${q.toString()}`;
  };
  reply(200, {
    '@odata.context': `${fake.url}/v1.0/$metadata#Collection(chatMessage)`,
    ...(more ? { '@odata.nextLink': link({ $skiptoken: String(skip + top) }) } : m[3] ? { '@odata.deltaLink': link({ $deltatoken: String(Date.now()) }) } : {}),
    value: page,
  });
}

function chatMessage(fake: FakeBotFramework, s: StoredActivity): Record<string, unknown> {
  const a = s.updates.at(-1) ?? s.activity;
  const attachments = (a.attachments ?? []).map((att: { contentType: string; content: unknown }, i: number) => ({
    id: `${s.id}-${i}`,
    contentType: att.contentType,
    contentUrl: null,
    content: JSON.stringify(att.content),
    name: null,
    thumbnailUrl: null,
  }));
  return {
    id: s.id,
    replyToId: s.replyToId ?? null,
    etag: String(s.modifiedAt),
    messageType: 'message',
    createdDateTime: new Date(s.createdAt).toISOString(),
    lastModifiedDateTime: new Date(s.modifiedAt).toISOString(),
    deletedDateTime: s.deletedAt ? new Date(s.deletedAt).toISOString() : null,
    subject: null,
    summary: a.summary ?? null,
    importance: 'normal',
    from: s.fromBot
      ? { application: { '@odata.type': '#microsoft.graph.teamworkApplicationIdentity', id: fake.opts.appId, displayName: 'incident bot', applicationIdentityType: 'bot' }, user: null }
      : { application: null, user: { id: a.from?.aadObjectId ?? a.from?.id ?? 'user', displayName: a.from?.name ?? null } },
    body: {
      contentType: 'html',
      content: [a.text ?? '', ...attachments.map((x: { id: string }) => `<attachment id="${x.id}"></attachment>`)].join(''),
    },
    attachments,
    mentions: [],
    reactions: [],
  };
}
