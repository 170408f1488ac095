// Small helpers every benchmark shares: waiting, bounded concurrency, percentiles, progress lines.
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; the error names what was awaited. */
export async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false | Promise<T | undefined | false>, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Runs `fn` over `items`, at most `limit` at once. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** Nearest-rank percentile (p in 0..100); NaN for no samples. */
export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (x: number, digits = 0) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
export const mib = (bytes: number) => Math.round(bytes / 1048576);

/** One progress line on stderr, rewritten in place (the table goes to stdout). */
export function progress(line: string): void {
  process.stderr.write(`\r  ${line}`.padEnd(100));
}
export function progressDone(): void {
  process.stderr.write('\n');
}

/** `p`, or an error naming `what` (with `detail()`, e.g. a process's output) after `ms`. */
export async function within<T>(what: string, ms: number, p: Promise<T>, detail: () => string = () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`${what} not within ${ms / 1000} s: ${detail()}`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Entry of a benchmark run on its own: prints its rows as a table, exits 1 on failure. */
export function runMain(run: () => Promise<object[]>): void {
  run()
    .then((rows) => console.table(rows))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
