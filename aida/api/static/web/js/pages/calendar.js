// Day and week views of appointments and free slots, drawn in the clinic's timezone.

import { allPages, clinicTimezone } from '../api.js';
import { bookingPanel, takeFlash } from '../bookings.js';
import { append, field, h } from '../dom.js';
import { addDays, dayKey, fmtDay, fmtLongDay, fmtTime, isDayKey, tzName, weekStart } from '../format.js';

const state = { phone: '', showCancelled: false };
const COMMON = { status: 'all', include_past: true, limit: 200 };

/** The appointments to draw: one patient's when a phone is given, else the clinic's window. */
async function loadAppointments(from, to) {
  if (state.phone) {
    const page = await allPages('/appointments', { ...COMMON, phone: state.phone }, { staff: true });
    return { items: page.items, scope: 'patient' };
  }
  const page = await allPages('/appointments', { ...COMMON, from, to }, { staff: true });
  return { items: page.items, scope: 'all' };
}

function parseQuery(query) {
  const view = query.get('view') === 'day' ? 'day' : 'week';
  const date = isDayKey(query.get('date')) ? query.get('date') : null;
  return { view, date };
}

function href(view, date) {
  return `#/calendar?view=${view}&date=${date}`;
}

export async function renderCalendar(main, query) {
  const tz = await clinicTimezone();
  const today = dayKey(new Date(), tz);
  const { view, date: asked } = parseQuery(query);
  const date = asked || today;
  const first = view === 'week' ? weekStart(date) : date;
  const days = view === 'week' ? [...Array(7).keys()].map((i) => addDays(first, i)) : [date];
  const last = days[days.length - 1];
  const step = view === 'week' ? 7 : 1;

  const [dateField, dateInput] = field('Go to date', { type: 'date', value: date, name: 'date' });
  const [phoneField, phoneInput] = field(
    'Patient phone',
    { type: 'tel', name: 'phone', value: state.phone, autocomplete: 'off' },
    'Leave empty for every patient.',
  );
  const cancelled = h('input', { type: 'checkbox', id: 'show-cancelled', checked: state.showCancelled });
  const filterForm = h(
    'form',
    { class: 'filters card', role: 'search', 'aria-label': 'Filter appointments' },
    dateField,
    phoneField,
    h('div', { class: 'field inline' }, cancelled, h('label', { for: 'show-cancelled' }, 'Show cancelled')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show')),
  );
  filterForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.phone = phoneInput.value.trim();
    state.showCancelled = cancelled.checked;
    const target = isDayKey(dateInput.value) ? dateInput.value : date;
    if (location.hash === href(view, target)) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = href(view, target);
  });

  const toolbar = h(
    'nav',
    { class: 'toolbar', 'aria-label': 'Calendar navigation' },
    h('div', { class: 'group', role: 'group', 'aria-label': 'View' },
      ['day', 'week'].map((v) =>
        h('a', { class: 'button', href: href(v, date), 'aria-current': v === view ? 'true' : null }, v === 'day' ? 'Day' : 'Week'),
      ),
    ),
    h('div', { class: 'group', role: 'group', 'aria-label': 'Move' },
      h('a', { class: 'button', href: href(view, addDays(date, -step)) }, view === 'week' ? '← Previous week' : '← Previous day'),
      h('a', { class: 'button', href: href(view, today) }, 'Today'),
      h('a', { class: 'button', href: href(view, addDays(date, step)) }, view === 'week' ? 'Next week →' : 'Next day →'),
    ),
  );

  const title = view === 'week' ? `Week of ${fmtLongDay(first)}` : fmtLongDay(date);
  const status = h('p', { class: 'status', role: 'status' }, 'Loading the calendar…');
  const grid = h('div', { class: `calendar view-${view}`, 'aria-busy': 'true' });
  const flash = takeFlash();
  const actionSlot = h('div', { class: 'action-slot' });
  append(main, [
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Calendar'),
    h('p', { class: 'lead' }, `${title}. Times in the clinic's timezone, ${tz} (${tzName(tz, `${date}T12:00:00Z`)}).`),
    flash,
    toolbar,
    filterForm,
    actionSlot,
    status,
    grid,
  ]);

  let slots;
  let appts;
  try {
    [slots, appts] = await Promise.all([
      allPages('/slots', { from: first, to: last, limit: 200 }),
      loadAppointments(first, last),
    ]);
  } catch (err) {
    status.textContent = err.message;
    status.className = 'status alert error';
    grid.removeAttribute('aria-busy');
    return;
  }
  // Book on a free slot, move or cancel a booked appointment that has not started.
  const actions = bookingPanel({ tz, defaultPhone: state.phone, freeSlots: slots.items });
  actionSlot.replaceChildren(actions.panel);
  const byDay = new Map(days.map((d) => [d, []]));
  for (const s of slots.items) {
    const key = dayKey(s.start, tz);
    if (byDay.has(key)) byDay.get(key).push({ kind: 'free', start: s.start, end: s.end, item: s });
  }
  let shown = 0;
  for (const a of appts.items) {
    const key = dayKey(a.start, tz);
    if (!byDay.has(key) || (a.status === 'cancelled' && !state.showCancelled)) continue;
    byDay.get(key).push({ kind: 'appt', start: a.start, end: a.end, item: a });
    shown += 1;
  }
  const scope = appts.scope === 'patient' ? ` for ${state.phone}` : '';
  status.textContent = `${shown} appointment${shown === 1 ? '' : 's'}${scope} and ${slots.items.length} free slot${slots.items.length === 1 ? '' : 's'}.`;
  grid.replaceChildren(...days.map((d) => dayColumn(d, byDay.get(d), tz, today, actions)));
  grid.removeAttribute('aria-busy');
}

function dayColumn(key, entries, tz, today, actions) {
  entries.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.kind === 'appt' ? -1 : 1));
  const headingId = `day-${key}`;
  return h(
    'section',
    { class: `day${key === today ? ' today' : ''}${key < today ? ' past' : ''}`, 'aria-labelledby': headingId, 'data-day': key },
    h('h2', { id: headingId }, fmtDay(key), key === today ? h('span', { class: 'badge' }, 'Today') : null),
    entries.length
      ? h('ul', { class: 'entries' }, entries.map((e) => (e.kind === 'appt' ? apptEntry(e.item, tz, actions) : freeEntry(e.item, tz, actions))))
      : h('p', { class: 'muted' }, key < today ? 'Nothing booked.' : 'No free slots.'),
  );
}

function apptEntry(a, tz, actions) {
  const reason = a.meta && (a.meta.reason || a.meta.note);
  const who = a.patient_name || a.user_phone;
  const changeable = a.status === 'booked' && Date.parse(a.start) > Date.now();
  return h(
    'li',
    { class: `entry appt status-${a.status}`, 'data-id': a.id },
    h('span', { class: 'time' }, `${fmtTime(a.start, tz)} – ${fmtTime(a.end, tz)}`),
    h('span', { class: 'who' }, a.patient_name || 'Patient', ' ', h('span', { class: 'muted' }, a.user_phone)),
    reason ? h('span', { class: 'reason' }, reason) : null,
    a.status !== 'booked' ? h('span', { class: 'badge' }, a.status) : null,
    changeable
      ? h(
          'span',
          { class: 'entry-actions' },
          h('button', { type: 'button', class: 'small', 'aria-label': `Move ${who}'s appointment at ${fmtTime(a.start, tz)}`, onclick: () => actions.move(a) }, 'Move'),
          h('button', { type: 'button', class: 'small', 'aria-label': `Cancel ${who}'s appointment at ${fmtTime(a.start, tz)}`, onclick: () => actions.cancel(a) }, 'Cancel'),
        )
      : null,
  );
}

function freeEntry(s, tz, actions) {
  return h(
    'li',
    { class: 'entry free', title: s.spoken },
    h('span', { class: 'time' }, fmtTime(s.start, tz)),
    h('span', {}, 'Free'),
    h('button', { type: 'button', class: 'small', 'aria-label': `Book ${s.spoken}`, onclick: () => actions.book(s) }, 'Book'),
  );
}
