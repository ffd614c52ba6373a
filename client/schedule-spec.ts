/** Parsing `--every` and `--cron` for `liteship schedule create`: clear errors before the server sees them. */
import { UsageError } from './io';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `30m`, `6h`, `1d` -> seconds (at least 60, so a schedule cannot hammer the cluster). */
export function parseEvery(value: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(value.trim());
  const seconds = m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN;
  if (!m || !(seconds >= 60)) {
    throw new UsageError(`invalid --every ${JSON.stringify(value)}: use a whole number and a unit s, m, h or d, at least 1 minute (e.g. 30m, 6h, 1d)`);
  }
  return seconds;
}

const FIELD = /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/;
const NAMED = /^[A-Za-z]{3}(-[A-Za-z]{3})?(,[A-Za-z]{3}(-[A-Za-z]{3})?)*$/;
const RANGES: Array<[number, number, string]> = [[0, 59, 'minute'], [0, 23, 'hour'], [1, 31, 'day of month'], [1, 12, 'month'], [0, 7, 'day of week']];

/** Five fields (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly/@monthly. */
export function checkCron(value: string): string {
  const cron = value.trim();
  if (/^@(hourly|daily|weekly|monthly|yearly)$/.test(cron)) return cron;
  const fields = cron.split(/\s+/);
  const bad = (why: string) => new UsageError(`invalid --cron ${JSON.stringify(value)}: ${why}; use five fields "minute hour day-of-month month day-of-week", e.g. "0 3 * * 1" (Mondays at 03:00 UTC)`);
  if (fields.length !== 5) throw bad(`it has ${fields.length} field${fields.length === 1 ? '' : 's'}`);
  fields.forEach((f, i) => {
    const [min, max, name] = RANGES[i]!;
    if (i >= 3 && NAMED.test(f)) return;
    if (!FIELD.test(f)) throw bad(`the ${name} field ${JSON.stringify(f)} is not a number, range, list or step`);
    for (const n of f.match(/\d+/g) ?? []) {
      const isStep = f.includes(`/${n}`);
      if (!isStep && (Number(n) < min || Number(n) > max)) throw bad(`the ${name} field has ${n}, outside ${min}-${max}`);
    }
  });
  return cron;
}
