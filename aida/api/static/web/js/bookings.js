// Staff book, move and cancel from the calendar: one panel above the days, opened by the buttons
// on a free slot or an appointment. The API runs Aida's own booking tools, so a time someone else
// took in the meantime comes back as a 409 whose message (with the nearest openings) is shown as
// it is; afterwards the calendar is drawn again from the server, never patched locally.

import { api } from './api.js';
import { field, h } from './dom.js';
import { fmtDateTime } from './format.js';

/** What the last action said, shown once at the top of the redrawn calendar. */
let flash = null;

export function takeFlash() {
  const shown = flash;
  flash = null;
  if (!shown) return null;
  return shown.ok
    ? h('p', { class: 'alert info', role: 'status' }, shown.text)
    : h('p', { class: 'alert error', role: 'alert' }, shown.text);
}

function redraw() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * The panel and the functions that open it for a slot or an appointment. `defaultPhone` is the
 * patient the calendar is filtered on, if any; `freeSlots` are the times a move can go to.
 */
export function bookingPanel({ tz, defaultPhone = '', freeSlots = [] }) {
  const panel = h('section', { class: 'card action-panel', 'aria-labelledby': 'action-title', hidden: true });

  function open(title, ...content) {
    panel.replaceChildren(h('h2', { id: 'action-title', tabindex: '-1' }, title), ...content);
    panel.hidden = false;
    panel.scrollIntoView({ block: 'nearest' });
    (panel.querySelector('input, select') || panel.querySelector('h2')).focus();
  }

  function close() {
    panel.hidden = true;
    panel.replaceChildren();
  }

  /** Run one API call from a form: disable it, then redraw with the API's sentence. */
  function submitter(form, call) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const buttons = form.querySelectorAll('button');
      for (const b of buttons) b.disabled = true;
      const problem = form.querySelector('.problem');
      try {
        const done = await call();
        flash = { ok: true, text: done.message };
        redraw();
      } catch (err) {
        if (err.status === 401) return; // signed out: the sign-in form replaces the page
        if (err.status === 422 && problem) {
          // bad input: keep the form open so nothing typed is lost
          problem.textContent = err.message;
          problem.hidden = false;
          for (const b of buttons) b.disabled = false;
          return;
        }
        // taken meanwhile, or gone: say so and show the calendar as it now is
        flash = { ok: false, text: err.message };
        redraw();
      }
    });
  }

  const closeButton = () => h('button', { type: 'button', onclick: close }, 'Close');
  const problemLine = () => h('p', { class: 'problem alert error', role: 'alert', hidden: true });

  function book(slot) {
    const [phoneField, phoneInput] = field("Patient's phone number", {
      type: 'tel',
      name: 'book-phone',
      autocomplete: 'off',
      required: true,
      value: defaultPhone,
    });
    const [nameField, nameInput] = field(
      'Full name',
      { type: 'text', name: 'book-name', autocomplete: 'off' },
      'Only for a patient who is not on file yet.',
    );
    const [reasonField, reasonInput] = field('Reason for the visit', { type: 'text', name: 'book-reason', maxlength: 200 });
    const form = h(
      'form',
      { class: 'filters booking-form' },
      phoneField,
      nameField,
      reasonField,
      problemLine(),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Book appointment'), closeButton()),
    );
    submitter(form, () =>
      api('/appointments', {
        method: 'POST',
        staff: true,
        body: { phone: phoneInput.value.trim(), start: slot.start, name: nameInput.value.trim() || null, reason: reasonInput.value.trim() || null },
      }),
    );
    open(`Book ${fmtDateTime(slot.start, tz)}`, form);
  }

  function move(appt) {
    const later = freeSlots.filter((s) => Date.parse(s.start) !== Date.parse(appt.start));
    const [timeField, select] = field('New time', { tag: 'select', name: 'move-to', required: true });
    select.append(...later.map((s) => h('option', { value: s.start }, fmtDateTime(s.start, tz))));
    const form = h(
      'form',
      { class: 'filters booking-form' },
      later.length ? timeField : h('p', { class: 'muted' }, 'No free time is shown in this view: go to another week first.'),
      problemLine(),
      h(
        'div',
        { class: 'actions' },
        later.length ? h('button', { type: 'submit', class: 'primary' }, 'Move appointment') : null,
        closeButton(),
      ),
    );
    submitter(form, () =>
      api(`/appointments/${encodeURIComponent(appt.id)}/reschedule`, { method: 'POST', staff: true, body: { start: select.value } }),
    );
    open(`Move ${appt.patient_name || appt.user_phone}'s appointment on ${fmtDateTime(appt.start, tz)}`, form);
  }

  function cancel(appt) {
    const form = h(
      'form',
      { class: 'booking-form' },
      h('p', {}, `Cancel ${appt.patient_name || appt.user_phone}'s appointment on ${fmtDateTime(appt.start, tz)}? The time becomes free for others.`),
      problemLine(),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'danger' }, 'Cancel appointment'),
        h('button', { type: 'button', onclick: close }, 'Keep it'),
      ),
    );
    submitter(form, () => api(`/appointments/${encodeURIComponent(appt.id)}/cancel`, { method: 'POST', staff: true }));
    open('Cancel an appointment', form);
  }

  return { panel, book, move, cancel };
}
