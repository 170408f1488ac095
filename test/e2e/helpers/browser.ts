// Headless Chromium for the e2e tests, driven by playwright-core (which ships no browser): the
// system Chromium from scripts/setup-browser.sh at $CHROMIUM_PATH or /usr/bin/chromium. Each
// browser gets a fresh temporary profile and may only reach http://127.0.0.1 (everything else is
// aborted), so a test can never wander onto the internet. `close()` always tears everything down.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Requests the guard aborted because they left http://127.0.0.1 (should stay empty). */
  blocked: string[];
  /** Uncaught errors and console errors from the page (should stay empty). */
  pageErrors: string[];
  /** Closes the browser and removes its profile; safe to call twice. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** Phone-like: touch, device scale factor 3, mobile meta viewport honoured. */
  mobile?: boolean;
}

function allowed(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && u.hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

export async function launchBrowser(opts: LaunchOptions = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/setup-browser.sh (or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  const cleanupProfile = () => rmSync(profile, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    // A persistent context is the only way to give Chromium a profile dir of our choosing.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: opts.viewport ?? VIEWPORTS.desktop,
      isMobile: opts.mobile ?? false,
      hasTouch: opts.mobile ?? false,
      deviceScaleFactor: opts.mobile ? 3 : 1,
      locale: 'en-US',
      timezoneId: 'UTC',
      serviceWorkers: 'block',
      timeout: 30_000,
    });
  } catch (err) {
    cleanupProfile();
    throw err;
  }
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await context.close();
    } finally {
      cleanupProfile();
    }
  };
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (allowed(url)) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(15_000);
    return { context, page, blocked, pageErrors, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** Navigates only to http://127.0.0.1 addresses; anything else is a bug in the test. */
export async function goto(page: Page, url: string): Promise<void> {
  if (!allowed(url) || !url.startsWith('http://127.0.0.1')) throw new Error(`e2e tests only visit http://127.0.0.1, not ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
}

/** Where screenshots are kept as test artifacts: $E2E_SCREENSHOTS, else test-results/e2e (git-ignored). */
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOTS || resolve(__dirname, '../../../test-results/e2e');

/** A full-page screenshot kept as `<name>.png` for a person to look at (phone layouts especially). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const png = await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  if (png.length < 1000) throw new Error(`screenshot ${name} is empty`);
}
