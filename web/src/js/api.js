// Calls to Aida's API on the same origin. Errors come back as ApiError carrying the API's own
// one-sentence message, so pages can show it as is.

import { signOut, staffKey } from './auth.js';

export class ApiError extends Error {
  constructor(status, body) {
    const message =
      (body && typeof body.message === 'string' && body.message) ||
      (status === 0 ? 'The server could not be reached.' : `The server answered ${status}.`);
    super(message);
    this.status = status;
    this.code = (body && body.error) || 'http_error';
    this.body = body || {};
  }
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * `staff: true` sends the staff key; a 401 then signs the user out (the key was revoked or wrong)
 * so the page falls back to the sign-in form instead of showing a broken view.
 */
export async function api(path, { method = 'GET', params, body, staff = false, key } = {}) {
  const headers = { Accept: 'application/json' };
  const credential = key ?? (staff ? staffKey() : '');
  if (credential) headers.Authorization = `Bearer ${credential}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api${path}${query(params)}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, null);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 && staff && key === undefined) {
      signOut('Your staff key was not accepted any more. Sign in again.');
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

/** Every page of a paginated list endpoint (`items` + `next_offset`), up to `max` items. */
export async function allPages(path, params, { staff = false, max = 1000 } = {}) {
  let offset = 0;
  let first = null;
  const items = [];
  while (offset !== null && items.length < max) {
    const page = await api(path, { params: { ...params, offset }, staff });
    first = first || page;
    items.push(...page.items);
    offset = page.next_offset ?? null;
  }
  return { ...first, items };
}

let clinicTz = null;

/** The clinic's IANA timezone, as the slots endpoint (public, cheap with limit=1) reports it. */
export async function clinicTimezone() {
  if (!clinicTz) {
    const page = await api('/slots', { params: { limit: 1 } });
    clinicTz = page.timezone;
  }
  return clinicTz;
}
