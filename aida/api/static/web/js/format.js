// Dates are always shown in the clinic's timezone, whatever timezone the browser is in, and
// calendar arithmetic runs on plain 'YYYY-MM-DD' strings so the browser's zone never leaks in.

const formatters = new Map();

function formatter(tz, options) {
  const key = `${tz}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat('en-US', { timeZone: tz, ...options }));
  }
  return formatters.get(key);
}

function toDate(value) {
  return value instanceof Date ? value : new Date(value);
}

export function fmtDateTime(value, tz) {
  if (!value) return '';
  return formatter(tz, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(toDate(value));
}

export function fmtTime(value, tz) {
  if (!value) return '';
  return formatter(tz, { hour: 'numeric', minute: '2-digit' }).format(toDate(value));
}

export function fmtDay(dayKey) {
  // A day key is a calendar date, not an instant: format it as UTC midnight so no zone shifts it.
  return formatter('UTC', { weekday: 'short', month: 'short', day: 'numeric' }).format(
    new Date(`${dayKey}T00:00:00Z`),
  );
}

export function fmtLongDay(dayKey) {
  return formatter('UTC', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }).format(
    new Date(`${dayKey}T00:00:00Z`),
  );
}

/** The abbreviation of the zone at that instant, e.g. "MST" or "GMT+9". */
export function tzName(tz, value = new Date()) {
  const part = formatter(tz, { timeZoneName: 'short' })
    .formatToParts(toDate(value))
    .find((p) => p.type === 'timeZoneName');
  return part ? part.value : tz;
}

/** 'YYYY-MM-DD' of an instant in the zone. */
export function dayKey(value, tz) {
  const parts = formatter(tz, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    toDate(value),
  );
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function addDays(key, n) {
  const d = new Date(`${key}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the week holding the day. */
export function weekStart(key) {
  const weekday = new Date(`${key}T00:00:00Z`).getUTCDay(); // Sunday = 0
  return addDays(key, -((weekday + 6) % 7));
}

export function isDayKey(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value || '') && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return '';
  const total = Math.round(Number(seconds));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m ? `${m} min ${s} s` : `${s} s`;
}

/** Offset from the call's start: "+1:05.2". */
export function fmtOffset(ms) {
  if (ms === null || ms === undefined) return '';
  const tenths = Math.max(0, Math.round(Number(ms) / 100));
  const minutes = Math.floor(tenths / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return `+${minutes}:${seconds}`;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '';
  const n = Number(ms);
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

/** Dollars to three significant digits below $1 ("$0.0109", "$0.15"), cents above. */
export function fmtUsd(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (n === 0) return '$0.00';
  const abs = Math.abs(n);
  const digits = abs >= 1 ? 2 : Math.min(8, 2 - Math.floor(Math.log10(abs)));
  const text = n.toFixed(digits).replace(/(\.\d\d\d*?)0+$/, '$1');
  return `$${text}`;
}

export function humanize(key) {
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
