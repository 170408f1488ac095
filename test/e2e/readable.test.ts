// Tier 4, what the on-call person reads (issue 10): a button action leaves a line in the thread,
// /kubectl output and the diagnostics digest are fixed-width blocks, the postmortem is a document
// with headings and tables, and two runs of one incident id are told apart in the Incidents view.
// The whole product runs for real (Temporal dev server, api, worker, the simulated cluster read
// through its read-only kubeconfig); screenshots at desktop and phone width go to test-results/e2e.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { scenarios, startSimCluster, type SimCluster } from '../../simcluster';
import { anomaly } from '../helpers/anomaly';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { goto, launchBrowser, screenshot, VIEWPORTS, type BrowserSession } from './helpers/browser';

const CLUSTER = 'shop-prod';
// Diagnostics and the postmortem run through the real worker: give each step room on a busy machine.
jest.setTimeout(120_000);
let sim: SimCluster | undefined;
let stack: Stack | undefined;
let dir: string | undefined;
beforeAll(async () => {
  sim = await startSimCluster({ name: CLUSTER });
  scenarios.crashLoopRollout(sim, { replicas: 3 });
  dir = mkdtempSync(join(tmpdir(), 'e2e-readable-'));
  const kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, 'readOnly');
  stack = await startStack({
    worker: true,
    config: (raw) => {
      raw.clusters = [{ name: CLUSTER, kubeconfig }];
      raw.kubectl = { channels: [{ platform: 'local', channel: 'incidents', cluster: CLUSTER, namespaces: ['shop'] }] };
    },
  });
}, 120_000);
afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});
async function openChat(phone = false): Promise<Page> {
  session = await launchBrowser(phone ? { viewport: VIEWPORTS.phone, mobile: true } : {});
  await goto(session.page, `${stack!.url}/chat`);
  await session.page.locator('#conn').filter({ hasText: /^live$/ }).waitFor();
  return session.page;
}

const button = (scope: Locator | Page, name: string | RegExp) => scope.getByRole('button', { name, exact: true });
const row = (scope: Locator, label: string) => scope.locator('.row').filter({ has: scope.page().locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
const panel = (page: Page) => page.getByRole('complementary', { name: 'Incident details' });
const json = async (res: Response): Promise<any> => res.json();

async function raise(fingerprint: string): Promise<string> {
  const pod = sim!.list('v1', 'Pod', 'shop').find((p) => p.metadata.labels?.app === 'checkout')!.metadata.name;
  const res = await stack!.request('/api/anomalies', {
    token: 'ops',
    json: anomaly({ cluster: CLUSTER, fingerprint, resource: { kind: 'Pod', name: pod, namespace: 'shop' }, owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' } }),
  });
  expect(res.status).toBe(202);
  return (await json(res)).incidentId;
}

async function sendCommand(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Command' });
  await box.fill(text);
  await box.press('Enter');
  await page.waitForFunction(() => (globalThis as any).document.getElementById('command').value === '');
}

describe('what the on-call person reads', () => {
  const fingerprint = `readable-${process.pid}`;
  let incidentId = '';
  let postmortemId = '';

  it('shows a button ack in the thread, and /kubectl output and diagnostics as fixed-width blocks', async () => {
    const page = await openChat();
    await page.getByLabel('Local user').selectOption('alice');
    incidentId = await raise(fingerprint);
    const message = page.locator('#messages > li.msg').filter({ has: page.locator(`article.card[data-incident-id="${incidentId}"]`) });
    const card = message.locator('article.card');
    const thread = message.locator('ol.thread > li');

    // The thread has the whole digest once, fixed-width; the card keeps its first line.
    const diagnostics = thread.filter({ hasText: /^incident bot.*Diagnostics: / }).locator('pre.code');
    await diagnostics.filter({ hasText: 'Previous log tail (checkout):' }).waitFor({ timeout: 60_000 });
    expect((await diagnostics.textContent())!.split('\n').length).toBeGreaterThan(2);
    const digest = (await row(card, 'Diagnostics').textContent())!;
    expect(digest).toMatch(/crash-looping.*\(details in the thread\)$/);
    expect(digest).not.toContain('Previous log tail');

    // An ack by button is news for the channel: its line is in the thread, not only in a toast.
    await button(card, 'Ack').click();
    await thread.filter({ hasText: 'Acknowledged by Alice Liddell. Escalation stopped.' }).filter({ hasText: 'incident bot' }).waitFor();

    // /kubectl in the thread: the table keeps its columns and line breaks.
    await message.getByRole('button', { name: /^Reply in thread/ }).click();
    await sendCommand(page, '/kubectl get pods');
    const output = thread.locator('pre.code', { hasText: /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/ });
    await output.waitFor();
    expect((await output.textContent())!.split('\n').filter((l) => l.startsWith('checkout-'))).toHaveLength(3);
    expect(await output.evaluate((el) => (globalThis as any).getComputedStyle(el).whiteSpace)).toBe('pre');
    await thread.filter({ hasText: '$ kubectl get pods  [cluster shop-prod, namespace shop]' }).waitFor();
    await screenshot(page, 'readable-thread-desktop');

    // Resolve by button: the thread says who and why.
    await button(card, 'Resolve').click();
    await page.locator('#resolve-dialog').getByLabel('Summary').fill('Rolled checkout back to v41');
    await button(page.locator('#resolve-dialog'), 'Resolve').click();
    await thread.filter({ hasText: 'Resolved by Alice Liddell. A postmortem is being compiled.' }).filter({ hasText: 'Summary: Rolled checkout back to v41' }).waitFor();
    expect(session!.pageErrors).toEqual([]);
  });

  it('renders the postmortem as a document with headings and tables', async () => {
    postmortemId = await eventually(async () => (await json(await stack!.request(`/api/incidents/${encodeURIComponent(incidentId)}`, { token: 'ops' }))).postmortemId, 'the postmortem id', 60_000);
    const page = await openChat();
    await page.evaluate(`location.hash = ${JSON.stringify(`postmortem=${encodeURIComponent(postmortemId)}`)}`);
    const doc = panel(page).locator('article.postmortem');
    await doc.locator('h1', { hasText: /^Postmortem: CrashLoopBackOff/ }).waitFor();
    await doc.locator('table th[scope=row]', { hasText: /^Severity$/ }).waitFor();
    await doc.locator('h2', { hasText: /^Timeline$/ }).waitFor();
    expect(await doc.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Responders', 'Escalation', 'Timeline', 'Diagnostics', 'Action items']));
    // Not Markdown source.
    expect(await doc.textContent()).not.toMatch(/\|---|^# /m);
    await screenshot(page, 'readable-postmortem-desktop');
    expect(session!.pageErrors).toEqual([]);
  });

  it('tells two runs of one incident id apart in the Incidents view', async () => {
    // The first run finishes (postmortem stored), then the problem recurs: a new run of the same id.
    await eventually(async () => {
      const { incidents } = await json(await stack!.request(`/api/incidents?cluster=${CLUSTER}&status=resolved`, { token: 'ops' }));
      return incidents.some((i: { id: string; execution: string }) => i.id === incidentId && i.execution === 'COMPLETED');
    }, 'the first run closed');
    expect(await raise(fingerprint)).toBe(incidentId);

    const page = await openChat();
    const runs = page.locator(`li.run[data-incident-id="${incidentId}"]`);
    await eventually(async () => {
      await button(page, 'Incidents').click();
      await page.locator('#panel-title', { hasText: /^Incidents$/ }).waitFor();
      return (await runs.count()) === 2;
    }, 'both runs in the Incidents view');
    const resolved = runs.and(page.locator('[data-status="resolved"]'));
    const open = runs.and(page.locator('[data-status="triggered"]'));
    await resolved.locator('dd', { hasText: /^Alice Liddell$/ }).first().waitFor();
    expect(await resolved.locator('dt').allTextContents()).toEqual(['Opened', 'Responder', 'Resolved by', 'Postmortem']);
    expect(await open.locator('dt').allTextContents()).toContain('Opened');
    expect(await open.locator('dt').allTextContents()).not.toContain('Resolved by');
    expect(await resolved.getAttribute('data-run-id')).not.toBe(await open.getAttribute('data-run-id'));
    await screenshot(page, 'readable-incidents-desktop');

    // The Postmortem entry of the first run opens that run's document.
    await button(resolved, 'Read').click();
    await panel(page).locator('article.postmortem h1').waitFor();
    expect(session!.pageErrors).toEqual([]);
  });

  it('reads well on a phone: code blocks scroll inside themselves, the page never scrolls sideways', async () => {
    const page = await openChat(true);
    await page.locator('#messages pre.code', { hasText: 'READY' }).first().waitFor();
    await screenshot(page, 'readable-thread-phone');
    const width = async () => (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(await width()).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await page.evaluate(`location.hash = ${JSON.stringify(`postmortem=${encodeURIComponent(postmortemId)}`)}`);
    await panel(page).locator('article.postmortem table').first().waitFor();
    await screenshot(page, 'readable-postmortem-phone');
    expect(await width()).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await button(panel(page), 'Close').click();
    // On a phone the Incidents button sits in the collapsed sidebar.
    await page.locator('#menu').click();
    await button(page, 'Incidents').click();
    await page.locator(`li.run[data-incident-id="${incidentId}"]`).first().waitFor();
    await screenshot(page, 'readable-incidents-phone');
    expect(await width()).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    expect(session!.pageErrors).toEqual([]);
  });
});
