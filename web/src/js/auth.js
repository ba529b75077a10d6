// The staff key lives in sessionStorage: it survives a reload but not closing the tab, and it is
// sent only as a request header (never in a URL, never in a cookie).

const STORAGE_KEY = 'aida.staffKey';

export function staffKey() {
  try {
    return sessionStorage.getItem(STORAGE_KEY) || '';
  } catch {
    return '';
  }
}

export function signedIn() {
  return staffKey() !== '';
}

export function signIn(key) {
  sessionStorage.setItem(STORAGE_KEY, key);
  window.dispatchEvent(new CustomEvent('aida:auth', { detail: { signedIn: true } }));
}

export function signOut(reason = '') {
  sessionStorage.removeItem(STORAGE_KEY);
  window.dispatchEvent(new CustomEvent('aida:auth', { detail: { signedIn: false, reason } }));
}
