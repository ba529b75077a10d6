// The waitlist: who waits for which time, oldest first (the order freed times are offered in),
// the offer each has and when its hold lapses; staff add a patient, edit the note or remove an
// entry (an open offer is withdrawn and the time passed to the next match).

import { api, clinicTimezone } from '../api.js';
import { append, field, h } from '../dom.js';
import { fmtDateTime } from '../format.js';

export async function renderWaitlist(main) {
  const tz = await clinicTimezone();
  const status = h('p', { class: 'status', role: 'status' }, 'Loading the waitlist…');
  const list = h('div', { class: 'waitlist', 'aria-busy': 'true' });
  const [phoneField, phoneInput] = field('Patient phone', { type: 'tel', name: 'phone', required: true, autocomplete: 'off' });
  const [whenField, whenInput] = field(
    'Wanted time',
    { type: 'text', name: 'when', required: true, autocomplete: 'off' },
    'In words, as a caller says it: "Thursday at 3", "any Tuesday morning".',
  );
  const [noteField, noteInput] = field('Note (staff only)', { type: 'text', name: 'note', autocomplete: 'off' });
  const formStatus = h('p', { class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Add to the waitlist' },
    h('h2', {}, 'Add a patient'),
    phoneField,
    whenField,
    noteField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add to waitlist')),
    formStatus,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formStatus.className = 'status';
    formStatus.textContent = 'Adding…';
    try {
      const body = { phone: phoneInput.value.trim(), when: whenInput.value.trim() };
      if (noteInput.value.trim()) body.note = noteInput.value.trim();
      const entry = await api('/waitlist', { method: 'POST', body, staff: true });
      formStatus.textContent = `On the waitlist for ${entry.wanted}.`;
      form.reset();
      await load();
    } catch (err) {
      formStatus.className = 'status alert error';
      formStatus.textContent = err.message;
    }
  });

  append(main, [
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Waitlist'),
    h('p', { class: 'lead' }, 'When a booked time is cancelled or moved, it is held for the first patient here who wants it and offered to them by phone.'),
    form,
    status,
    list,
  ]);

  async function remove(entry) {
    if (!window.confirm(`Remove ${entry.patient_name || entry.phone} from the waitlist?`)) return;
    try {
      await api(`/waitlist/${encodeURIComponent(entry.id)}`, { method: 'DELETE', staff: true });
      await load();
    } catch (err) {
      status.className = 'status alert error';
      status.textContent = err.message;
    }
  }

  async function editNote(entry) {
    const note = window.prompt('Note for staff', entry.note || '');
    if (note === null) return;
    try {
      await api(`/waitlist/${encodeURIComponent(entry.id)}`, { method: 'PATCH', body: { note }, staff: true });
      await load();
    } catch (err) {
      status.className = 'status alert error';
      status.textContent = err.message;
    }
  }

  function row(entry) {
    const who = entry.patient_name || 'Patient';
    const offer = entry.offer;
    return h(
      'tr',
      { 'data-id': entry.id, class: `status-${entry.status}` },
      h('td', {}, who, ' ', h('span', { class: 'muted' }, entry.phone)),
      h('td', {}, entry.wanted),
      h('td', {}, entry.status),
      h('td', {}, offer ? `${offer.spoken} (${offer.status}${offer.status === 'offered' ? `, held until ${fmtDateTime(offer.expires_at, tz)}` : ''})` : '—'),
      h('td', {}, fmtDateTime(entry.created_at, tz)),
      h('td', {}, entry.note || ''),
      h(
        'td',
        {},
        h('button', { type: 'button', class: 'small', 'aria-label': `Edit the note for ${who}`, onclick: () => editNote(entry) }, 'Note'),
        ' ',
        h('button', { type: 'button', class: 'small', 'aria-label': `Remove ${who} from the waitlist`, onclick: () => remove(entry) }, 'Remove'),
      ),
    );
  }

  async function load() {
    list.setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await api('/waitlist', { staff: true });
    } catch (err) {
      status.className = 'status alert error';
      status.textContent = err.message;
      list.removeAttribute('aria-busy');
      return;
    }
    const n = page.entries.length;
    status.className = 'status';
    status.textContent = `${n} patient${n === 1 ? '' : 's'} waiting or offered a time.`;
    list.replaceChildren(
      n
        ? h(
            'table',
            { class: 'table' },
            h('caption', { class: 'visually-hidden' }, 'The waitlist, oldest first'),
            h('thead', {}, h('tr', {}, ['Patient', 'Wants', 'Status', 'Offer', 'Since', 'Note', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, page.entries.map(row)),
          )
        : h('p', { class: 'muted' }, 'Nobody is on the waitlist.'),
    );
    list.removeAttribute('aria-busy');
  }

  await load();
}
