// A kubeconfig file with two contexts (clusters "a" and "b" on closed loopback ports) in a fresh
// temp directory; the caller removes the directory with `remove()`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigFixture {
  dir: string;
  file: string;
  remove(): void;
}

export function writeKubeconfig(): KubeconfigFixture {
  const dir = mkdtempSync(join(tmpdir(), 'kube-client-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'a', cluster: { server: 'http://127.0.0.1:1', 'insecure-skip-tls-verify': true } },
        { name: 'b', cluster: { server: 'http://127.0.0.1:2', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
      contexts: [
        { name: 'ctx-a', context: { cluster: 'a', user: 'u' } },
        { name: 'ctx-b', context: { cluster: 'b', user: 'u' } },
      ],
      'current-context': 'ctx-a',
    }),
  );
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
