// Preloaded (`node -r`) into a worker process by the clock-jump fault case: this process's wall clock
// (Date.now(), new Date(), Date()) jumps by the offset in ms written to $FAULT_CLOCK_FILE each time the
// process gets SIGUSR2.
// What this simulates: the host's wall clock being stepped (an NTP correction, a VM resumed from a
// snapshot, `date -s`). Only CLOCK_REALTIME jumps on a real host; CLOCK_MONOTONIC does not, so
// performance.now(), setTimeout and setInterval are left alone here too, as they would be. What it
// cannot shift is the wall clock of the SDK's Rust core in the same process (it reads the OS clock
// directly); Temporal's timers run on the server, whose clock is not the worker host's.
import { readFileSync } from 'node:fs';

const file = process.env.FAULT_CLOCK_FILE;
if (!file) throw new Error('faults-clock-preload: set FAULT_CLOCK_FILE to the file the test writes the clock offset (ms) to');

const RealDate = Date;
const realNow = Date.now.bind(Date);
let offset = 0;

function ShiftedDate(this: unknown, ...args: unknown[]): Date | string {
  if (!new.target) return new RealDate(realNow() + offset).toString(); // Date() called as a function
  return args.length === 0 ? new RealDate(realNow() + offset) : new (RealDate as any)(...args);
}
ShiftedDate.prototype = RealDate.prototype;
ShiftedDate.now = () => realNow() + offset;
ShiftedDate.parse = RealDate.parse;
ShiftedDate.UTC = RealDate.UTC;
globalThis.Date = ShiftedDate as unknown as DateConstructor;

process.on('SIGUSR2', () => {
  offset = Number(readFileSync(file, 'utf8'));
  process.stdout.write(`fault clock: wall clock shifted by ${offset} ms\n`);
});
