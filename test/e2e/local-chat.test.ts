// Tier 4: a person uses the local chat page in headless Chromium against the whole product (real
// Temporal dev server, real api, real worker and workflow). Everything is observed the way a person
// would: cards arriving live over SSE, buttons, dialogs, the command box, toasts and the incident
// panel. Waits are on visible state only. Screenshots are kept in test-results/e2e (or $E2E_SCREENSHOTS).
import type { Locator, Page } from 'playwright-core';
import { anomaly } from '../helpers/anomaly';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { goto, launchBrowser, screenshot, VIEWPORTS, type BrowserSession, type LaunchOptions } from './helpers/browser';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
}, 120_000);
afterAll(async () => stack?.stop());

// One browser per test, always closed, even when the test fails.
let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});
async function openChat(opts: LaunchOptions = {}): Promise<Page> {
  session = await launchBrowser(opts);
  const { page } = session;
  await goto(page, `${stack.url}/chat`);
  // Connected to the live event stream: whatever happens from now on must show up by itself.
  await page.locator('#conn').filter({ hasText: /^live$/ }).waitFor();
  return page;
}

/** POSTs an anomaly for its own cluster, as the watcher (or a script) would. */
async function raise(cluster: string): Promise<string> {
  const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { incidentId: string }).incidentId;
}

/** The #incidents message (card plus its thread) of the incident in `cluster`. */
function alertMessage(page: Page, cluster: string): Locator {
  return page.locator('#messages > li.msg').filter({ has: page.locator('article.card'), hasText: `${cluster} / shop` });
}
const card = (message: Locator) => message.locator('article.card');
const status = (c: Locator, s: string) => c.locator('header .badge', { hasText: new RegExp(`^${s}$`) });
/** The value of a labelled row (dt/dd) in a card or the incident panel. */
const row = (scope: Locator, label: string) =>
  scope.locator('.row').filter({ has: scope.page().locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
const button = (scope: Locator | Page, name: string | RegExp) => scope.getByRole('button', { name, exact: true });
const toast = (page: Page, text: string | RegExp, kind?: 'ok' | 'error') => page.locator(kind ? `.toast.${kind}` : '.toast', { hasText: text });
const panel = (page: Page) => page.getByRole('complementary', { name: 'Incident details' });

async function sendCommand(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Command' });
  await box.fill(text);
  await box.press('Enter');
  // The page clears the box once the api answered.
  await page.waitForFunction(() => (globalThis as any).document.getElementById('command').value === '');
}

interface Layout {
  scrollWidth: number;
  boxes: { name: string; left: number; right: number; bottom: number; height: number }[];
}
// Runs in the page (a string: the test tsconfig has no DOM types). Finds the card of a cluster.
const MEASURE = `(cluster) => {
  const box = (name, el) => { const r = el.getBoundingClientRect(); return { name, left: r.left, right: r.right, bottom: r.bottom, height: r.height }; };
  const card = [...document.querySelectorAll('#messages article.card')].find((c) => c.textContent.includes(cluster + ' / shop'));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    boxes: [box('card', card), ...[...card.querySelectorAll('.actions button')].map((b) => box(b.textContent, b)),
      box('command', document.getElementById('command')), box('Send', document.querySelector('#composer button[type=submit]'))],
  };
}`;

function expectCleanSession(): void {
  expect(session?.blocked).toEqual([]);
  expect(session?.pageErrors).toEqual([]);
}

describe('the local chat page', () => {
  it('lets alice ack and hand off to bob, and bob ack in the thread and resolve with a postmortem', async () => {
    const page = await openChat();
    await page.getByLabel('Local user').selectOption('alice');
    const message = alertMessage(page, 'e2e-life');
    expect(await message.count()).toBe(0);

    // The card arrives over the live stream, without a reload.
    await raise('e2e-life');
    const c = card(message);
    await status(c, 'triggered').waitFor();
    await row(c, 'Paging').filter({ hasText: 'Alice Liddell' }).waitFor();

    // Alice acknowledges with the card's button.
    await button(c, 'Ack').click();
    await toast(page, 'Acknowledged by Alice Liddell. Escalation stopped.', 'ok').waitFor();
    await status(c, 'acknowledged').waitFor();
    await row(c, 'Acknowledged by').filter({ hasText: /^Alice Liddell$/ }).waitFor();
    expect(await button(c, 'Ack').count()).toBe(0);

    // Alice hands off to bob through the page's own dialog.
    await button(c, 'Hand off').click();
    const handoff = page.locator('#handoff-dialog');
    await handoff.waitFor();
    await handoff.getByLabel('To').fill('@bob');
    await handoff.getByLabel('Note').fill('going off shift, checkout pods still flapping');
    await button(handoff, 'Hand off').click();
    await handoff.waitFor({ state: 'hidden' });
    await toast(page, 'Handed off to Bob Marley; they are being paged and must acknowledge.', 'ok').waitFor();
    await status(c, 'triggered').waitFor();
    await row(c, 'Handed off to \\(awaiting ack\\)').filter({ hasText: /^Bob Marley$/ }).waitFor();
    // Whoever handed off is not offered Ack again; the hand-off's target is (labelled for them).
    expect(await c.locator('.actions button').allTextContents()).toEqual(['Hand off', 'Resolve', 'Details']);
    await page.getByLabel('Local user').selectOption('bob');
    await button(c, 'Accept hand-off').waitFor();
    await page.getByLabel('Local user').selectOption('alice');
    await button(c, 'Details').click();
    await row(panel(page), 'Handoff pending to').filter({ hasText: 'Bob Marley' }).waitFor();
    await panel(page)
      .locator('.timeline li.tl-handoff', { hasText: 'Handed off from Alice Liddell to Bob Marley by Alice Liddell: going off shift, checkout pods still flapping' })
      .waitFor();
    await button(panel(page), 'Close').click();
    await panel(page).waitFor({ state: 'hidden' });

    // Bob takes over: his pages show the handoff, and he acks with /ack in the incident's thread.
    await page.getByLabel('Local user').selectOption('bob');
    await button(page.locator('#dms'), /^Your pages/).click(); // the name ends with a message count
    await page.locator('#messages li.msg', { hasText: 'e2e-life' }).first().waitFor();
    await button(page.locator('#channels'), /^# incidents/).click();
    await c.waitFor();
    await message.getByRole('button', { name: /^Reply in thread/ }).click();
    await page.locator('#thread-label', { hasText: 'Replying in thread: CrashLoopBackOff: Deployment/checkout' }).waitFor();
    await sendCommand(page, '/ack');
    const thread = message.locator('ol.thread > li');
    await thread.filter({ hasText: /^bob.*\/ack$/ }).waitFor();
    await thread.filter({ hasText: 'Acknowledged by Bob Marley. Escalation stopped.' }).waitFor();
    await status(c, 'acknowledged').waitFor();
    await row(c, 'Acknowledged by').filter({ hasText: /^Bob Marley$/ }).waitFor();

    // Bob resolves with a summary; the card closes and the postmortem carries the summary.
    const summary = 'Rolled checkout back to v41; the new config map had a typo';
    await button(c, 'Resolve').click();
    const resolve = page.locator('#resolve-dialog');
    await resolve.getByLabel('Summary').fill(summary);
    await button(resolve, 'Resolve').click();
    await toast(page, 'Resolved by Bob Marley. A postmortem is being compiled.', 'ok').waitFor();
    await status(c, 'resolved').waitFor();
    await row(c, 'Resolution').filter({ hasText: summary }).waitFor();
    await thread.filter({ hasText: `Resolved.` }).filter({ hasText: 'bot' }).waitFor();
    expect(await c.locator('.actions button').allTextContents()).toEqual(['Details']);

    await button(c, 'Details').click();
    await panel(page).locator('.panel-body > p .badge', { hasText: /^resolved$/ }).waitFor();
    await button(panel(page), 'Read the postmortem').click();
    await page.locator('#panel-title', { hasText: /^Postmortem$/ }).waitFor();
    await panel(page).locator('article.postmortem', { hasText: summary }).waitFor();
    expectCleanSession();
  });

  it('refuses an ack from someone not on the roster, keeps the card triggered and shows the refusal in the timeline', async () => {
    const page = await openChat();
    const id = await raise('e2e-refused');
    const c = card(alertMessage(page, 'e2e-refused'));
    await status(c, 'triggered').waitFor();

    // "Someone else…" asks for a free-text user name with window.prompt.
    page.once('dialog', (d) => void d.accept('mallory'));
    await page.getByLabel('Local user').selectOption('__other');
    expect(await page.getByLabel('Local user').inputValue()).toBe('mallory');

    await button(c, 'Ack').click();
    await toast(page, 'You (local:mallory) are not on the roster for this incident.', 'error').waitFor();

    await button(c, 'Details').click();
    await panel(page).locator('code.id', { hasText: id }).waitFor();
    const refused = panel(page).locator('.timeline li.tl-refused');
    await refused.filter({ hasText: 'local:mallory' }).filter({ hasText: 'Refused ack' }).waitFor();
    expect(await refused.count()).toBe(1);
    // The refusal is on record, and the incident is still waiting for a real responder.
    expect(await status(c, 'triggered').count()).toBe(1);
    expect(await row(c, 'Acknowledged by').count()).toBe(0);
    expect(await panel(page).locator('.panel-body > p .badge', { hasText: /^triggered$/ }).count()).toBe(1);
    expectCleanSession();
  });

  it('lists the incident when someone types /incident list in the command box', async () => {
    const page = await openChat();
    const id = await raise('e2e-list');
    await status(card(alertMessage(page, 'e2e-list')), 'triggered').waitFor();
    // Lists come from Temporal visibility, which lags a moment behind a new incident.
    await eventually(async () => {
      const { incidents } = (await (await stack.request('/api/incidents?cluster=e2e-list', { token: 'ops' })).json()) as { incidents: { id: string }[] };
      return incidents.some((i) => i.id === id);
    }, 'the incident in the visibility list');

    await sendCommand(page, '/incident list');
    const answer = toast(page, id);
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/incident\(s\):/);
    expect(await answer.textContent()).toContain(`[TRIGGERED] [ERROR] ${id} · e2e-list/shop`);
    // Lists are only for the caller: nothing was posted to the channel.
    expect(await page.locator('#messages li.msg', { hasText: '/incident list' }).count()).toBe(0);
    expectCleanSession();
  });

  describe.each([
    ['a phone', { viewport: VIEWPORTS.phone, mobile: true }],
    ['a desktop', { viewport: VIEWPORTS.desktop }],
  ] as const)('on %s', (device, opts) => {
    it('shows the alert card, its buttons and the command box without horizontal scrolling', async () => {
      const cluster = `e2e-look-${device === 'a phone' ? 'phone' : 'desk'}`;
      const page = await openChat(opts);
      await raise(cluster);
      const c = card(alertMessage(page, cluster));
      await status(c, 'triggered').waitFor();
      // Settled: diagnostics ran and the first page went out (each change re-renders the card).
      await row(c, 'Diagnostics').waitFor();
      await row(c, 'Level').filter({ hasText: /^1$/ }).waitFor();
      await c.scrollIntoViewIfNeeded();
      const { width, height } = opts.viewport;

      // Measured in one go inside the page, so a live re-render cannot detach what is measured.
      const layout = (await page.evaluate(`(${MEASURE})(${JSON.stringify(cluster)})`)) as Layout;
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      expect(layout.boxes.map((b) => b.name)).toEqual(['card', 'Ack', 'Hand off', 'Resolve', 'Details', 'command', 'Send']);
      for (const b of layout.boxes) {
        expect({ name: b.name, fitsWidth: b.left >= 0 && b.right <= width + 0.5, fitsHeight: b.bottom <= height + 0.5 }).toEqual({ name: b.name, fitsWidth: true, fitsHeight: true });
        // Buttons big enough to tap.
        if (b.name !== 'card') expect({ name: b.name, tall: b.height >= 32 }).toEqual({ name: b.name, tall: true });
      }
      await screenshot(page, `card-${device.replace(' ', '-')}`);

      // The hand-off dialog fits the screen, and Cancel leaves everything as it was.
      await button(c, 'Hand off').click();
      const dialog = page.locator('#handoff-dialog');
      await dialog.waitFor();
      for (const target of [dialog, button(dialog, 'Cancel'), button(dialog, 'Hand off')]) {
        const box = (await target.boundingBox())!;
        expect(box.x >= 0 && box.x + box.width <= width + 0.5 && box.y >= 0 && box.y + box.height <= height + 0.5).toBe(true);
      }
      await screenshot(page, `handoff-dialog-${device.replace(' ', '-')}`);
      await button(dialog, 'Cancel').click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await status(c, 'triggered').count()).toBe(1);

      // The incident panel opens over (phone) or beside (desktop) the messages, and closes again.
      await button(c, 'Details').click();
      await panel(page).locator('.timeline li').first().waitFor();
      const p = (await panel(page).boundingBox())!;
      expect(p.x + p.width).toBeLessThanOrEqual(width + 0.5);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await screenshot(page, `panel-${device.replace(' ', '-')}`);
      await button(panel(page), 'Close').click();
      await panel(page).waitFor({ state: 'hidden' });

      // A long user name that is not on the roster must not widen the page either.
      page.once('dialog', (d) => void d.accept('someone-with-a-rather-long-name-not-on-the-roster'));
      await page.getByLabel('Local user').selectOption('__other');
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      expectCleanSession();
    });
  });
});
