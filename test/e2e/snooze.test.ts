// Tier 4: the local chat card shows an active snooze the way a person sees it (headless Chromium,
// real Temporal dev server, api, worker and workflow): `/incident snooze` typed in the command box
// puts "Snoozed until HH:MM UTC (by …)" on the live card, and an ack, which ends the snooze, takes it off.
import type { Locator, Page } from 'playwright-core';
import { anomaly } from '../helpers/anomaly';
import { startStack, type Stack } from '../helpers/stack';
import { goto, launchBrowser, screenshot, type BrowserSession } from './helpers/browser';

let stack: Stack;
let session: BrowserSession | undefined;
beforeAll(async () => {
  stack = await startStack({ worker: true });
}, 120_000);
afterEach(async () => {
  await session?.close();
  session = undefined;
});
afterAll(async () => stack?.stop());

const row = (scope: Locator, label: string) => scope.locator('.row').filter({ has: scope.page().locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');

async function sendCommand(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Command' });
  await box.fill(text);
  await box.press('Enter');
  await page.waitForFunction(() => (globalThis as any).document.getElementById('command').value === '');
}

describe('the local chat card', () => {
  it('shows who snoozed escalation and until when while the snooze lasts, and drops it once alice acknowledges', async () => {
    session = await launchBrowser();
    const { page } = session;
    await goto(page, `${stack.url}/chat`);
    await page.locator('#conn').filter({ hasText: /^live$/ }).waitFor();
    await page.getByLabel('Local user').selectOption('alice');

    const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'e2e-snooze' }) });
    const { incidentId } = (await res.json()) as { incidentId: string };
    const card = page.locator('#messages > li.msg article.card', { hasText: 'e2e-snooze / shop' });
    await card.locator('header .badge', { hasText: /^triggered$/ }).waitFor();
    expect(await row(card, 'Escalation').count()).toBe(0);

    await sendCommand(page, `/incident snooze ${incidentId} 30m`);
    const snoozed = row(card, 'Escalation');
    // The day shows too when the 30 minutes cross midnight UTC.
    await snoozed.filter({ hasText: /^Snoozed until \d\d:\d\d UTC( on \d{4}-\d\d-\d\d)? \(by Alice Liddell\)$/ }).waitFor();
    // The time shown is the snooze's end in UTC, as the workflow recorded it.
    const { snooze } = (await (await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}`, { token: 'ops' })).json()) as { snooze: { until: string } };
    expect(await snoozed.textContent()).toMatch(new RegExp(`^Snoozed until ${snooze.until.slice(11, 16)} UTC( on ${snooze.until.slice(0, 10)})? \\(by Alice Liddell\\)$`));
    await screenshot(page, 'local-chat-snoozed');

    await card.getByRole('button', { name: 'Ack', exact: true }).click();
    await card.locator('header .badge', { hasText: /^acknowledged$/ }).waitFor();
    await snoozed.waitFor({ state: 'detached' });
    expect(session.pageErrors).toEqual([]);
    expect(session.blocked).toEqual([]);
  }, 90_000);
});
