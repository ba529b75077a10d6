// The calls list: calls with action items nobody has done yet first, then the rest, each group
// newest first; filtered by caller phone and date, paged by the API's offsets.

import { api, clinicTimezone } from '../api.js';
import { append, field, h } from '../dom.js';
import { fmtDateTime, fmtDuration, humanize, isDayKey, tzName } from '../format.js';
import { callerLabel, directionLabel } from './call.js';

const PAGE = 20;
// Kept for the tab's life (not in the URL: a phone number is patient data).
const filters = { phone: '', since: '', until: '', offset: 0 };

function outcome(item) {
  const changes = item.appointments_in_call || [];
  if (!changes.length) return 'No appointment changes';
  const counts = {};
  for (const c of changes) {
    const action = c.action || c.kind || c.type || 'changed';
    counts[action] = (counts[action] || 0) + 1;
  }
  return Object.entries(counts)
    .map(([a, n]) => `${n} ${a}`)
    .join(', ');
}

/** How many of the call's action items are still open (staff mark them done on the call page). */
function todo(item) {
  const total = (item.action_items || []).length;
  if (!total) return '—';
  const open = item.open_action_items ?? total;
  return open
    ? h('span', { class: 'badge badge-warn' }, `${open} open`)
    : h('span', { class: 'badge badge-ok' }, 'All done');
}

export async function renderCalls(main) {
  const tz = await clinicTimezone();
  const [phoneField, phoneInput] = field('Caller phone', {
    type: 'tel',
    name: 'phone',
    autocomplete: 'off',
    value: filters.phone,
  });
  const [sinceField, sinceInput] = field('From', { type: 'date', name: 'since', value: filters.since });
  const [untilField, untilInput] = field('To', { type: 'date', name: 'until', value: filters.until });
  const status = h('p', { class: 'status', role: 'status' });
  const results = h('div', { class: 'results' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of calls' });

  const form = h(
    'form',
    { class: 'filters card', role: 'search', 'aria-label': 'Filter calls' },
    phoneField,
    sinceField,
    untilField,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            phoneInput.value = sinceInput.value = untilInput.value = '';
            Object.assign(filters, { phone: '', since: '', until: '', offset: 0 });
            load();
          },
        },
        'Clear',
      ),
    ),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    Object.assign(filters, {
      phone: phoneInput.value.trim(),
      since: isDayKey(sinceInput.value) ? sinceInput.value : '',
      until: isDayKey(untilInput.value) ? untilInput.value : '',
      offset: 0,
    });
    load();
  });

  async function load() {
    status.textContent = 'Loading calls…';
    status.className = 'status';
    results.setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await api('/summaries', {
        staff: true,
        params: {
          phone: filters.phone,
          since: filters.since,
          until: filters.until,
          limit: PAGE,
          offset: filters.offset,
          order: 'open_first',
        },
      });
    } catch (err) {
      status.textContent = err.message;
      status.className = 'status alert error';
      results.replaceChildren();
      pager.replaceChildren();
      results.removeAttribute('aria-busy');
      return;
    }
    results.removeAttribute('aria-busy');
    const first = filters.offset + 1;
    status.textContent = page.items.length
      ? `Calls ${first}–${filters.offset + page.items.length}, open action items first.`
      : 'No calls match these filters.';
    results.replaceChildren(page.items.length ? table(page.items, tz) : '');
    pager.replaceChildren(
      h(
        'button',
        {
          type: 'button',
          disabled: filters.offset === 0,
          onclick: () => {
            filters.offset = Math.max(0, filters.offset - PAGE);
            load();
          },
        },
        '← Newer',
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: page.next_offset === null || page.next_offset === undefined,
          onclick: () => {
            filters.offset = page.next_offset;
            load();
          },
        },
        'Older →',
      ),
    );
  }

  append(main, [
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Calls'),
    h(
      'p',
      { class: 'lead' },
      `Every call Aida took: calls with action items still to do first, then newest first. Times in ${tz} (${tzName(tz)}).`,
    ),
    form,
    status,
    results,
    pager,
  ]);
  await load();
}

function table(items, tz) {
  return h(
    'table',
    { class: 'calls-table' },
    h('caption', { class: 'visually-hidden' }, 'Call summaries'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Started', 'Caller', 'Direction', 'Summary', 'Outcome', 'To do', 'Length'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((item) =>
        h(
          'tr',
          { 'data-id': item.id },
          h(
            'td',
            { 'data-label': 'Started' },
            h(
              'a',
              { href: `#/calls/${encodeURIComponent(item.id)}` },
              fmtDateTime(item.started_at || item.created_at, tz) || 'Open call',
            ),
          ),
          h('td', { 'data-label': 'Caller' }, callerLabel(item) || 'Unknown caller'),
          h('td', { 'data-label': 'Direction' }, directionLabel(item)),
          h('td', { 'data-label': 'Summary', class: 'summary-cell' }, item.summary_text || '—'),
          h(
            'td',
            { 'data-label': 'Outcome' },
            outcome(item),
            item.status && item.status !== 'complete'
              ? h('span', { class: 'badge badge-warn' }, humanize(item.status))
              : null,
          ),
          h('td', { 'data-label': 'To do' }, todo(item)),
          h('td', { 'data-label': 'Length' }, fmtDuration(item.duration_seconds) || '—'),
        ),
      ),
    ),
  );
}
