// Small HTTP helpers shared by the router: bodies, JSON and Status responses, request paths.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, StatusError } from './status';
import type { RequestRecord } from './types';

const MAX_BODY = 3 * 1024 * 1024; // the real API server's request size limit

/** Per-request context: the log entry is filled in as the response is written. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  entry: RequestRecord;
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(err as Error).message}`);
  }
}

export function send(ctx: Ctx, code: number, body: unknown, headers: Record<string, string> = {}): void {
  ctx.entry.status = code;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  ctx.res.writeHead(code, {
    'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  ctx.res.end(text);
}

export function sendError(ctx: Ctx, err: StatusError): void {
  const headers: Record<string, string> = err.details?.retryAfterSeconds ? { 'Retry-After': String(err.details.retryAfterSeconds) } : {};
  send(ctx, err.code, err.body(), headers);
}

export function queryFlag(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  return v === 'true' || v === '1';
}

/** A non-negative integer query parameter, or undefined; a malformed one is a 400. */
export function queryInt(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`invalid value for ${name}: "${v}" (expected a whole number >= 0)`);
  return Number(v);
}
