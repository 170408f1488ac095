// The `temporal` and `worker` config sections: TLS shapes, mTLS pairs, API keys turning TLS on,
// files checked at load with their config path, and worker tuning bounds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblems, testConfig } from '../../helpers/config';
import { configSchema } from '../../../config/schema';
import { z } from 'zod';

let dir: string;
let pem: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'temporal-config-'));
  pem = join(dir, 'file.pem');
  writeFileSync(pem, 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const temporal = (section: Record<string, unknown>) => testConfig((raw) => (raw.temporal = section)).temporal;
const problems = (section: Record<string, unknown>) => configProblems((raw) => (raw.temporal = section));

describe('the temporal config section', () => {
  it('is plaintext on 127.0.0.1:7233 by default', () => {
    expect(testConfig((raw) => delete raw.temporal).temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'incidents', tls: undefined });
  });

  it('turns tls: true into TLS with the system roots', () => {
    expect(temporal({ tls: true }).tls).toEqual({});
  });

  it('keeps a private CA, a server name and an mTLS pair', () => {
    const tls = { caFile: pem, serverName: 'temporal.internal', certFile: pem, keyFile: pem };
    expect(temporal({ tls }).tls).toEqual(tls);
  });

  it('turns TLS on for an API key unless tls is false on purpose', () => {
    expect(temporal({ apiKey: { fromEnv: 'TEMPORAL_API_KEY' } }).tls).toEqual({});
    expect(temporal({ apiKey: { fromEnv: 'TEMPORAL_API_KEY' }, tls: false }).tls).toBeUndefined();
  });

  it('names the config path of a CA file that cannot be read', () => {
    expect(problems({ tls: { caFile: join(dir, 'missing.pem') } })).toEqual([
      `temporal.tls.caFile: cannot read the CA certificate "${join(dir, 'missing.pem')}" (ENOENT); mount the file or fix the path`,
    ]);
  });

  it('names a missing API key file', () => {
    expect(problems({ apiKey: { fromFile: join(dir, 'nokey') } })).toEqual([
      `temporal.apiKey.fromFile: cannot read the API key file "${join(dir, 'nokey')}" (ENOENT); mount the file or fix the path`,
    ]);
  });

  it('wants certFile and keyFile together', () => {
    expect(problems({ tls: { certFile: pem } })).toEqual(['temporal.tls.keyFile: mTLS needs both certFile and keyFile; set keyFile too (or remove the other)']);
    expect(problems({ tls: { keyFile: pem } })).toEqual(['temporal.tls.certFile: mTLS needs both certFile and keyFile; set certFile too (or remove the other)']);
  });

  it('does not offer turning host verification off', () => {
    expect(problems({ tls: { disableHostVerification: true } })[0]).toMatch(/^temporal\.tls: unknown key\(s\) "disableHostVerification"/);
  });

  it('explains what tls accepts', () => {
    expect(problems({ tls: 'yes' })).toEqual(['temporal.tls: expected true, false or an object with caFile, serverName, certFile, keyFile']);
  });

  it('wants an API key from exactly one of env or file, never inline', () => {
    expect(problems({ apiKey: 'abc' }).join('\n')).toMatch(/^temporal\.apiKey/);
    expect(problems({ apiKey: { fromEnv: 'A', fromFile: pem } })).toEqual(['temporal.apiKey: a secret needs exactly one of "fromEnv" (variable name) or "fromFile" (path)']);
  });

  it('describes every field for the chart schema', () => {
    const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as any;
    const t = json.properties.temporal.properties;
    for (const key of ['address', 'namespace', 'taskQueue', 'uiUrl', 'tls', 'apiKey']) expect(t[key].description).toEqual(expect.any(String));
    for (const key of Object.keys(json.properties.worker.properties)) expect(json.properties.worker.properties[key].description).toEqual(expect.any(String));
  });
});

describe('the worker config section', () => {
  it('has a health endpoint on 127.0.0.1:9465, SDK metrics on 9466 and tuning defaults', () => {
    expect(testConfig().worker).toEqual({
      host: '127.0.0.1',
      port: 9465,
      sdkMetricsPort: 9466,
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentWorkflowTaskExecutions: 40,
      maxCachedWorkflows: 'auto',
      workflowTaskPollers: 4,
      activityTaskPollers: 4,
    });
  });

  it('fills defaults around what is set', () => {
    expect(testConfig((raw) => (raw.worker = { host: '0.0.0.0', maxCachedWorkflows: 0 })).worker).toMatchObject({ host: '0.0.0.0', port: 9465, maxCachedWorkflows: 0, workflowTaskPollers: 4 });
  });

  it('takes a sticky cache of a whole number of incidents or auto, and says so when it is neither', () => {
    expect(testConfig((raw) => (raw.worker = { maxCachedWorkflows: 'auto' })).worker.maxCachedWorkflows).toBe('auto');
    expect(configProblems((raw) => (raw.worker = { maxCachedWorkflows: 'big' }))).toEqual(['worker.maxCachedWorkflows: expected a whole number of incidents (0 or more) or auto']);
    expect(configProblems((raw) => (raw.worker = { maxCachedWorkflows: -1 }))).toEqual(['worker.maxCachedWorkflows: Too small: expected number to be >=0']);
  });

  it('refuses more pollers than task slots, and fewer than two workflow pollers', () => {
    expect(configProblems((raw) => (raw.worker = { maxConcurrentWorkflowTaskExecutions: 2, workflowTaskPollers: 3 }))).toEqual([
      'worker.workflowTaskPollers: must not exceed maxConcurrentWorkflowTaskExecutions (2)',
    ]);
    expect(configProblems((raw) => (raw.worker = { workflowTaskPollers: 1 }))[0]).toMatch(/^worker\.workflowTaskPollers: /);
    expect(configProblems((raw) => (raw.worker = { maxConcurrentActivityTaskExecutions: 1, activityTaskPollers: 2 }))).toEqual([
      'worker.activityTaskPollers: must not exceed maxConcurrentActivityTaskExecutions (1)',
    ]);
  });

  it('reads worker.memoryLimit as Kubernetes writes a memory size, and refuses other spellings', () => {
    expect(testConfig((raw) => (raw.worker = { memoryLimit: '1Gi' })).worker.memoryLimit).toBe(1024 ** 3);
    expect(testConfig((raw) => (raw.worker = { memoryLimit: '768Mi' })).worker.memoryLimit).toBe(768 * 1024 ** 2);
    expect(testConfig((raw) => (raw.worker = { memoryLimit: '1G' })).worker.memoryLimit).toBe(1e9);
    expect(configProblems((raw) => (raw.worker = { memoryLimit: '1GB' }))).toEqual([
      'worker.memoryLimit: expected a memory size like "1Gi" or "768Mi" (as in the pod\'s resources.limits.memory), got "1GB"',
    ]);
    expect(configProblems((raw) => (raw.worker = { memoryLimit: '0Mi' }))[0]).toMatch(/^worker\.memoryLimit: expected a memory size/);
  });
});
