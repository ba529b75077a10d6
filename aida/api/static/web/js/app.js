// The shell: hash routes, the staff gate, focus and title on every page change.

import { signOut, signedIn } from './auth.js';
import { clear, h } from './dom.js';
import { renderCall } from './pages/call.js';
import { renderCalendar } from './pages/calendar.js';
import { renderCallAida } from './pages/callaida.js';
import { renderCalls } from './pages/calls.js';
import { renderSignIn } from './pages/signin.js';
import { renderWaitlist } from './pages/waitlist.js';

const ROUTES = [
  { pattern: /^\/calls\/([^/]+)$/, nav: 'calls', title: 'Call', staff: true, render: (m, p) => renderCall(m, decodeURIComponent(p[1])) },
  { pattern: /^\/calls$/, nav: 'calls', title: 'Calls', staff: true, render: (m) => renderCalls(m) },
  { pattern: /^\/calendar$/, nav: 'calendar', title: 'Calendar', staff: true, render: (m, _p, q) => renderCalendar(m, q) },
  { pattern: /^\/waitlist$/, nav: 'waitlist', title: 'Waitlist', staff: true, render: (m) => renderWaitlist(m) },
  { pattern: /^\/call$/, nav: 'call', title: 'Call Aida', staff: false, render: (m) => renderCallAida(m) },
  { pattern: /^\/sign-in$/, nav: 'sign-in', title: 'Sign in', staff: false, render: (m) => renderSignIn(m) },
];

const main = document.getElementById('main');
const authSlot = document.getElementById('auth');
let cleanup = null;
let renderCount = 0;
let signOutReason = '';

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/calls';
  const [path, qs = ''] = raw.split('?');
  return { path: path || '/calls', query: new URLSearchParams(qs) };
}

function updateNav(active) {
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  clear(authSlot).append(
    signedIn()
      ? h('button', { type: 'button', class: 'link', onclick: () => signOut() }, 'Sign out')
      : h('a', { href: '#/sign-in', 'data-nav': 'sign-in', 'aria-current': active === 'sign-in' ? 'page' : null }, 'Sign in'),
  );
}

async function render({ focus = true } = {}) {
  const mine = ++renderCount;
  if (cleanup) {
    try {
      cleanup();
    } catch (err) {
      console.error(err);
    }
    cleanup = null;
  }
  const { path, query } = parseHash();
  const route = ROUTES.find((r) => r.pattern.test(path));
  clear(main);
  main.setAttribute('aria-busy', 'true');
  let title = 'Not found';
  try {
    if (!route) {
      main.append(
        h('h1', { id: 'page-title', tabindex: '-1' }, 'Page not found'),
        h('p', {}, h('a', { href: '#/calls' }, 'Go to the calls list')),
      );
      updateNav(null);
    } else if (route.staff && !signedIn()) {
      // The gate: no staff request is even made without a key.
      title = 'Sign in';
      updateNav(route.nav);
      renderSignIn(main, { reason: signOutReason, heading: `Sign in to see ${route.title.toLowerCase()}` });
      signOutReason = '';
    } else if (path === '/sign-in' && signedIn()) {
      location.replace('#/calls');
      return;
    } else {
      title = route.title;
      updateNav(route.nav);
      const result = await route.render(main, route.pattern.exec(path), query);
      if (mine !== renderCount) return;
      if (typeof result === 'function') cleanup = result;
    }
  } catch (err) {
    if (mine !== renderCount) return;
    main.append(h('p', { class: 'alert error', role: 'alert' }, err.message || String(err)));
  } finally {
    if (mine === renderCount) main.removeAttribute('aria-busy');
  }
  if (mine !== renderCount) return;
  document.title = `${title} · Aida`;
  if (focus) {
    const heading = document.getElementById('page-title');
    const firstInput = main.querySelector('form.signin input');
    (firstInput || heading)?.focus({ preventScroll: false });
  }
}

// The skip link must not touch the hash: the hash is the route.
document.querySelector('.skip-link')?.addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => render());
window.addEventListener('aida:auth', (ev) => {
  signOutReason = ev.detail.reason || '';
  if (!ev.detail.signedIn) {
    // Drop whatever patient data is on screen right away.
    render();
    return;
  }
  if (parseHash().path === '/sign-in') location.hash = '#/calls';
  else render();
});

render({ focus: false });
