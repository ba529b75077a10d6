// Draws a call's timeline events (docs/timeline.md) as an ordered list, always in `seq` order
// whatever order they arrive in. Used for a stored call (all events at once) and for a live
// call (one data-channel message at a time). A tool's call and its result share one entry.

import { h, clear } from './dom.js';
import { fmtDateTime, fmtMs, fmtOffset, humanize } from './format.js';

const SPEAKERS = { user: 'Caller', assistant: 'Aida' };
const TRUNCATED = 'Shortened to fit the live stream; the call record keeps it in full.';

function jsonDetails(label, value) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && Object.keys(value).length === 0) return null;
  return h(
    'details',
    { class: 'tl-data' },
    h('summary', {}, label),
    h('pre', { class: 'json' }, JSON.stringify(value, null, 2)),
  );
}

// transfer_to_staff's steps (aida/agent/handoff.py); the last one says how it ended.
const TRANSFER = {
  started: 'Transferring to staff',
  transferred: 'Transferred to staff',
  failed: 'Transfer failed: callback requested',
  not_possible: 'No transfer possible: callback requested',
};

function describe(event) {
  switch (event.type) {
    case 'call_started':
      return ['Call started', event.identified ? 'Caller recognised by caller ID' : null];
    case 'call_ended':
      return ['Call ended', event.reason ? humanize(event.reason) : null];
    case 'caller_identified':
      return [
        'Caller identified',
        [event.source ? `from ${event.source}` : null, event.new_patient ? 'new patient' : null]
          .filter(Boolean)
          .join(', '),
      ];
    case 'identity_refused':
      return ['Identity check refused', event.reason ? humanize(event.reason) : null];
    case 'emergency':
      return ['Possible emergency', event.category ? humanize(event.category) : null];
    case 'emergency_possible':
      // a weak or past sign: Aida said the safety-net sentence and the call went on
      return ['Possible emergency sign (safety net said)', event.category ? humanize(event.category) : null];
    case 'emergency_cleared':
      return ['Caller said it is not an emergency', null];
    case 'emergency_again':
      return ['Emergency signs again', event.category ? humanize(event.category) : null];
    case 'understood':
      // a turn Aida's code answered without the language model (aida/agent/understand.py)
      return ['Answered without the model', [humanize(event.rule || ''), event.tool].filter(Boolean).join(': ') || null];
    case 'filler':
      return ['Aida: "' + (event.text || '').trim() + '" (while the model works)', null];
    case 'action_item': {
      const item = event.item || {};
      if (typeof item === 'string') return ['Action item', item];
      const text = item.text || item.reason || item.summary || null;
      if (item.urgent) return ['Urgent action item', text];
      return [item.kind === 'callback' ? 'Callback requested' : 'Action item', text];
    }
    case 'agent_state':
      return ['Aida is ' + (event.new || 'idle'), null];
    case 'transfer':
      return [TRANSFER[event.status] || 'Transfer to staff', event.error || (event.why ? humanize(event.why) : event.to || null)];
    case 'call_closing':
      return ['Aida said goodbye and hung up', null];
    default:
      return [humanize(event.type || 'event'), null];
  }
}

export class TimelineView {
  /**
   * options.types: only these event types are drawn (all by default).
   * options.hideTypes: these are kept but not drawn (e.g. agent_state).
   * options.tz: the clinic timezone for absolute times in tooltips.
   * options.empty: text shown while there is nothing to draw.
   */
  constructor({ types = null, hideTypes = [], tz = 'UTC', label = 'Call timeline', empty = '' } = {}) {
    this.types = types ? new Set(types) : null;
    this.hideTypes = new Set(hideTypes);
    this.tz = tz;
    this.events = new Map(); // seq -> event, every valid event received
    this.items = new Map(); // seq -> <li> drawn
    this.toolEntries = new Map(); // tool_call_id -> { li, call, result }
    this.list = h('ol', { class: 'timeline', 'aria-label': label });
    this.emptyNote = empty ? h('p', { class: 'empty' }, empty) : null;
    this.el = h('div', { class: 'timeline-wrap' }, this.emptyNote, this.list);
  }

  /** Add one event; returns false for a duplicate or an invalid one. */
  add(event) {
    if (!event || typeof event !== 'object' || !Number.isInteger(event.seq)) return false;
    if (this.events.has(event.seq)) return false;
    this.events.set(event.seq, event);
    if (this.types && !this.types.has(event.type)) return true;
    if (this.hideTypes.has(event.type)) return true;
    if (event.type === 'tool_call' || event.type === 'tool_result') this._tool(event);
    else this._insert(event.seq, this._entry(event));
    if (this.emptyNote) this.emptyNote.hidden = this.items.size > 0;
    return true;
  }

  addAll(events) {
    for (const e of events || []) this.add(e);
  }

  reset() {
    this.events.clear();
    this.items.clear();
    this.toolEntries.clear();
    clear(this.list);
    if (this.emptyNote) this.emptyNote.hidden = false;
  }

  /** Show or hide event types (e.g. agent_state) and redraw. */
  setHideTypes(types) {
    const all = this.ordered();
    this.hideTypes = new Set(types);
    this.reset();
    this.addAll(all);
  }

  /** Events received so far, in seq order. */
  ordered() {
    return [...this.events.values()].sort((a, b) => a.seq - b.seq);
  }

  _insert(seq, li) {
    li.dataset.seq = String(seq);
    this.items.set(seq, li);
    // Insert before the first drawn entry with a larger seq: arrival order never matters.
    let before = null;
    for (const node of this.list.children) {
      if (Number(node.dataset.seq) > seq) {
        before = node;
        break;
      }
    }
    this.list.insertBefore(li, before);
  }

  _remove(seq) {
    const li = this.items.get(seq);
    if (li) li.remove();
    this.items.delete(seq);
  }

  _when(event) {
    const offset = fmtOffset(event.t_ms);
    return h(
      'span',
      { class: 'tl-time', title: event.ts ? fmtDateTime(event.ts, this.tz) : null },
      offset || (event.ts ? fmtDateTime(event.ts, this.tz) : ''),
    );
  }

  _entry(event) {
    if (event.type === 'transcript') {
      const speaker = SPEAKERS[event.role] || humanize(event.role || 'speaker');
      return h(
        'li',
        { class: `tl-item tl-say role-${event.role === 'user' ? 'user' : 'assistant'}` },
        h('div', { class: 'tl-head' }, this._when(event), h('strong', { class: 'tl-who' }, speaker)),
        h('p', { class: 'tl-text' }, event.text || ''),
        event.interrupted ? h('p', { class: 'tl-note' }, 'Interrupted') : null,
        event.truncated ? h('p', { class: 'tl-note' }, TRUNCATED) : null,
      );
    }
    const [title, detail] = describe(event);
    const extra = { ...event };
    for (const k of ['v', 'seq', 'call_id', 'type', 'ts', 't_ms']) delete extra[k];
    return h(
      'li',
      { class: `tl-item tl-event tl-${event.type}` },
      h('div', { class: 'tl-head' }, this._when(event), h('strong', {}, title)),
      detail ? h('p', { class: 'tl-text' }, detail) : null,
      event.type === 'call_started' || !detail ? jsonDetails('Details', extra) : null,
    );
  }

  _tool(event) {
    const id = event.tool_call_id || `seq-${event.seq}`;
    const entry = this.toolEntries.get(id) || { li: null, call: null, result: null };
    this.toolEntries.set(id, entry);
    if (event.type === 'tool_call') entry.call = event;
    else entry.result = event;
    // The entry sits at the call's position; a result seen before its call waits at its own.
    const anchor = entry.call || entry.result;
    for (const seq of [entry.call?.seq, entry.result?.seq]) {
      if (seq !== undefined) this._remove(seq);
    }
    entry.li = this._toolEntry(entry);
    this._insert(anchor.seq, entry.li);
  }

  _toolEntry({ call, result }) {
    const name = (call || result).name || 'tool';
    let status = 'running';
    if (result) status = result.ok === false || result.error ? 'failed' : 'ok';
    const statusText = { running: 'Running…', ok: 'Done', failed: 'Failed' }[status];
    const said = result && result.result && typeof result.result.say === 'string' ? result.result.say : null;
    const error = result && result.error;
    return h(
      'li',
      { class: `tl-item tl-tool tool-${status}` },
      h(
        'div',
        { class: 'tl-head' },
        this._when(call || result),
        h('strong', {}, 'Tool ', h('code', {}, name)),
        h('span', { class: `badge badge-${status}` }, statusText),
        result && result.duration_ms !== undefined
          ? h('span', { class: 'tl-duration' }, fmtMs(result.duration_ms))
          : null,
      ),
      said ? h('p', { class: 'tl-text' }, said) : null,
      error
        ? h('p', { class: 'tl-text tl-error' }, error.message || error.error || 'The tool failed.')
        : null,
      call ? jsonDetails('Arguments', call.args) : null,
      result ? jsonDetails(error ? 'Error' : 'Result', error || result.result) : null,
      call?.truncated || result?.truncated ? h('p', { class: 'tl-note' }, TRUNCATED) : null,
    );
  }
}

/** Parse one data-channel message; null when it is not a timeline event we understand. */
export function decodeEvent(payload) {
  let text = payload;
  if (payload instanceof ArrayBuffer) text = new TextDecoder().decode(new Uint8Array(payload));
  else if (ArrayBuffer.isView(payload)) text = new TextDecoder().decode(payload);
  else if (Array.isArray(payload)) text = new TextDecoder().decode(Uint8Array.from(payload));
  let event;
  try {
    event = typeof text === 'string' ? JSON.parse(text) : text;
  } catch {
    return null;
  }
  if (!event || typeof event !== 'object' || event.v !== 1 || !Number.isInteger(event.seq)) return null;
  return event;
}
