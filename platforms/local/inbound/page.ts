// Serves the local chat page: three static files, no build step. Looked up next to this module and,
// for the compiled build (tsc does not copy them into dist/), in the source tree.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

export function staticDir(): string {
  const candidates = [join(__dirname, 'static'), resolve(__dirname, '../../../../platforms/local/inbound/static')];
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`local chat page files not found (looked in ${candidates.join(', ')})`);
  return found;
}

// The page only talks to this origin; inline scripts and frames are not needed.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function registerPage(app: FastifyInstance): void {
  const dir = staticDir();
  const serve = (file: string) => async (_req: unknown, reply: FastifyReply) => {
    const body = await readFile(join(dir, file));
    return reply
      .type(FILES[file]!)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(body);
  };
  app.get('/', async (_req, reply) => reply.redirect('/chat'));
  app.get('/chat', serve('index.html'));
  for (const file of Object.keys(FILES)) app.get(`/chat/${file}`, serve(file));
}
