// Staff sign-in: the key is checked against a staff-only endpoint before it is kept.

import { api } from '../api.js';
import { signIn } from '../auth.js';
import { append, field, h } from '../dom.js';

export function renderSignIn(main, { reason = '', heading = 'Staff sign-in' } = {}) {
  const [keyField, keyInput] = field(
    'Staff API key',
    { type: 'password', name: 'key', autocomplete: 'current-password', required: true, spellcheck: 'false' },
    'One of the keys in STAFF_API_KEYS. It is kept in this browser tab only.',
  );
  const error = h('p', { class: 'alert error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'page-title', novalidate: true },
    keyField,
    error,
    button,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = keyInput.value.trim();
    error.hidden = true;
    if (!key) {
      error.textContent = 'Enter your staff API key.';
      error.hidden = false;
      keyInput.focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Checking…';
    try {
      // Any staff-only request proves the key; one summary is the cheapest.
      await api('/summaries', { params: { limit: 1 }, key });
      signIn(key);
    } catch (err) {
      error.textContent =
        err.status === 401 ? 'That staff key was not accepted. Check it and try again.' : err.message;
      error.hidden = false;
      keyInput.select();
      keyInput.focus();
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  });
  append(main, [
    h('h1', { id: 'page-title', tabindex: '-1' }, heading),
    reason ? h('p', { class: 'alert info', role: 'status' }, reason) : null,
    h(
      'p',
      { class: 'lead' },
      'Calls and the calendar hold patient data. Sign in with a staff key to see them.',
    ),
    form,
  ]);
  return { focus: keyInput };
}
