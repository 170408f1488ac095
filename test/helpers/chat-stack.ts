// What every chat platform's end-to-end stack shares: a fake of the chat service, a private
// directory for the secrets the config reads from files, the real stack (Temporal, worker, api)
// with each channel name routed as a namespace to its channel, and one stop() for all of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Anomaly, IncidentState } from '../../workflows/definitions';
import { anomaly } from './anomaly';
import { startStack, type Stack } from './stack';

export interface ChatStackBase {
  stack: Stack;
  /** Reports an anomaly (a crash-looping checkout pod) in `namespace`; returns the incident id. */
  report(namespace: string, overrides?: Partial<Anomaly>): Promise<string>;
  state(id: string): Promise<IncidentState>;
  /** Stops the stack, then the fake, and removes the secrets directory. */
  stop(): Promise<void>;
}

/** Each channel name is also a namespace whose incidents go to that channel; the rest to local chat. */
export function routeNamespacesTo(platform: string, channels: Record<string, string>): Record<string, unknown> {
  return {
    rules: Object.entries(channels).map(([name, id]) => ({ name, match: { namespace: [name] }, channels: [{ platform, channel: id }], policy: 'default' })),
    default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' },
  };
}

/**
 * Starts the stack with `configure(raw, secretsDir)` (write secret files there); if anything fails,
 * the fake and the directory are cleaned up before the error is rethrown.
 */
export async function startChatStack(
  fake: { stop(): Promise<void> },
  name: string,
  configure: (raw: Record<string, any>, secretsDir: string) => void,
): Promise<ChatStackBase> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-secrets-`));
  let stack: Stack;
  try {
    stack = await startStack({ worker: true, config: (raw) => configure(raw, dir) });
  } catch (err) {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const s = stack;
  return {
    stack: s,
    async state(id) {
      const res = await s.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' });
      if (res.status !== 200) throw new Error(`GET incident answered ${res.status}`);
      return (await res.json()) as IncidentState;
    },
    async report(namespace, overrides = {}) {
      const a = anomaly({ resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace }, owner: { kind: 'Deployment', name: 'checkout', namespace }, ...overrides });
      const res = await s.request('/api/anomalies', { token: 'ops', json: a });
      if (res.status !== 202) throw new Error(`POST /api/anomalies answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { incidentId: string }).incidentId;
    },
    async stop() {
      try {
        await s.stop();
      } finally {
        await fake.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
