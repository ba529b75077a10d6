// One call: summary, action items, appointment changes, cost, timeline and transcript.

import { api, clinicTimezone } from '../api.js';
import { append, facts, h } from '../dom.js';
import { fmtDateTime, fmtDuration, fmtTime, fmtUsd, humanize, tzName } from '../format.js';
import { TimelineView } from '../timeline.js';

function section(title, id, ...children) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    ...children,
  );
}

/** One action item, with the checkbox staff tick when it is done (who and when is kept). */
function actionItem(callId, { item, index, state }, tz) {
  const text =
    typeof item === 'string'
      ? item
      : item.text || item.summary || item.description || item.reason || JSON.stringify(item);
  const kind = typeof item === 'string' ? null : item.kind || item.type;
  const urgent = typeof item !== 'string' && item.urgent;
  const id = `item-done-${index}`;
  const box = h('input', {
    type: 'checkbox',
    id,
    checked: Boolean(state && state.done),
    'aria-describedby': `${id}-text`,
  });
  const by = h('span', { class: 'item-done-by' });
  const li = h(
    'li',
    {},
    kind ? h('span', { class: urgent ? 'badge urgent' : 'badge' }, humanize(kind)) : null,
    ' ',
    h('span', { class: 'item-text', id: `${id}-text` }, text),
    h('span', { class: 'item-done' }, box, h('label', { for: id }, 'Done')),
    kind === 'confirm_registration' && item.patient_phone ? confirmButton(item.patient_phone) : null,
    by,
  );
  function show(s) {
    box.checked = Boolean(s && s.done);
    const classes = [urgent ? 'urgent' : '', box.checked ? 'done' : ''].filter(Boolean).join(' ');
    if (classes) li.className = classes;
    else li.removeAttribute('class');
    by.textContent = box.checked ? `Done by ${String(s.done_by || '').replace(/^staff:/, '')}, ${fmtDateTime(s.done_at, tz)}` : '';
  }
  show(state);
  box.addEventListener('change', async () => {
    const wanted = box.checked;
    box.disabled = true;
    try {
      const s = await api(`/summaries/${encodeURIComponent(callId)}/action-items/${index}/done`, {
        method: wanted ? 'PUT' : 'DELETE',
        staff: true,
      });
      show(s);
    } catch (err) {
      box.checked = !wanted;
      by.textContent = err.message;
    } finally {
      box.disabled = false;
    }
  });
  return li;
}

/** A new patient registered from a number that proves nothing: staff confirm them here. */
function confirmButton(phone) {
  const button = h('button', { type: 'button', class: 'confirm-patient' }, `Confirm patient ${phone}`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api(`/patients/${encodeURIComponent(phone)}/confirm`, { method: 'POST', staff: true });
      button.textContent = 'Patient confirmed';
    } catch (err) {
      button.disabled = false;
      button.textContent = `Confirm patient ${phone} (${err.message})`;
    }
  });
  return button;
}

/** Which way the call went: Aida called out (a reminder, a waitlist offer) or the caller rang
 * in; records from before the direction was kept are inbound calls. */
export function directionLabel(call) {
  return call.direction === 'outbound' ? 'Outbound' : 'Inbound';
}

/** Who called: the patient when proven, else the number presented, marked unverified. */
export function callerLabel(call) {
  if (call.user_phone && call.caller_verified !== false) return call.user_phone;
  if (call.presented_phone) return `${call.presented_phone} (unverified caller)`;
  return null;
}

// Urgent items (a possible emergency) come first, whatever order the record holds them in; each
// keeps its index in the record, which is how the API names it.
function byUrgency(items, states) {
  return items
    .map((item, index) => ({ item, index, state: (states || [])[index] }))
    .sort((a, b) => Number(Boolean(b.item && b.item.urgent)) - Number(Boolean(a.item && a.item.urgent)));
}

function emergencyBanner(call) {
  const urgent = (call.action_items || []).filter((i) => i && i.urgent);
  const flagged = urgent.length || (call.timeline || []).some((e) => e.type === 'emergency');
  if (!flagged) return null;
  return h(
    'div',
    { class: 'alert error', role: 'alert' },
    h('strong', {}, 'Possible emergency. '),
    urgent.length ? urgent[0].text : 'The caller described emergency signs and was told to call emergency services.',
  );
}

const ACTION_LABEL = {
  booked: 'Booked',
  book: 'Booked',
  rescheduled: 'Moved',
  reschedule: 'Moved',
  moved: 'Moved',
  cancelled: 'Cancelled',
  cancel: 'Cancelled',
};

function appointmentChange(change, tz) {
  const action = change.action || change.kind || change.type || 'changed';
  const appt = change.appointment || change.new || change;
  const when = appt.spoken || (appt.start ? fmtDateTime(appt.start, tz) : '');
  const from = change.old || change.previous || change.from;
  const fromWhen = from && (from.spoken || (from.start ? fmtDateTime(from.start, tz) : ''));
  return h(
    'li',
    { class: `change change-${String(action).toLowerCase()}` },
    h('span', { class: 'badge' }, ACTION_LABEL[action] || humanize(action)),
    ' ',
    when || 'Appointment',
    fromWhen ? h('span', { class: 'muted' }, ` (was ${fromWhen})`) : null,
    appt.reason || appt.meta?.reason ? h('span', { class: 'muted' }, ` — ${appt.reason || appt.meta.reason}`) : null,
    appt.id || change.id ? h('span', { class: 'id' }, ` · ${appt.id || change.id}`) : null,
  );
}

/** Nested cost figures as rows of "path: value"; dollar amounts formatted. */
function costRows(value, path = []) {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object') {
    const key = path[path.length - 1] || '';
    const shown = /usd|cost|price/i.test(key) && typeof value === 'number' ? fmtUsd(value) : String(value);
    return [[path.map(humanize).join(' › '), shown]];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => costRows(v, [...path, String(i + 1)]));
  return Object.entries(value).flatMap(([k, v]) => costRows(v, [...path, k]));
}

const COMPONENTS = { stt: 'Speech to text', llm: 'Language model', tts: 'Text to speech' };

function usageLine(line) {
  const unit = humanize(line.unit || '').toLowerCase();
  const qty = Number(line.quantity).toLocaleString('en-US');
  const rate =
    line.usd_per_million !== undefined
      ? ` × ${fmtUsd(line.usd_per_million)}/million`
      : line.usd_per_minute !== undefined
        ? ` × ${fmtUsd(line.usd_per_minute)}/min`
        : '';
  return `${qty} ${unit}${rate}`;
}

/** The after-call record's breakdown: total, per component, one row per provider/model. */
function itemizedCost(cost) {
  const byComponent = cost.by_component || {};
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'total' },
      'Total ',
      h('strong', {}, fmtUsd(cost.total_usd ?? 0)),
      cost.complete === false ? h('span', { class: 'badge badge-warn' }, 'Incomplete') : null,
    ),
    facts(Object.entries(byComponent).map(([k, v]) => [COMPONENTS[k] || humanize(k), fmtUsd(v)]), 'facts compact'),
    h(
      'table',
      { class: 'cost-table' },
      h('caption', { class: 'visually-hidden' }, 'Cost by provider and model'),
      h(
        'thead',
        {},
        h('tr', {}, ['Service', 'Usage', 'Cost'].map((c) => h('th', { scope: 'col' }, c))),
      ),
      h(
        'tbody',
        {},
        cost.items.map((item) => {
          let price = item.usd === null || item.usd === undefined ? 'Not priced' : fmtUsd(item.usd);
          if (item.priced_as === 'local') price = 'Local (free)';
          const lines = (item.lines || []).map(usageLine);
          const usage = lines.length
            ? lines
            : Object.entries(item.usage || {})
                .filter(([, v]) => v)
                .map(([k, v]) => `${Number(v).toLocaleString('en-US')} ${humanize(k).toLowerCase()}`);
          return h(
            'tr',
            {},
            h(
              'th',
              { scope: 'row' },
              COMPONENTS[item.component] || humanize(item.component || ''),
              h('br'),
              h('span', { class: 'muted' }, [item.provider, item.model].filter(Boolean).join(' · ')),
            ),
            h('td', {}, usage.map((u) => h('div', {}, u))),
            h('td', {}, price),
          );
        }),
      ),
    ),
    cost.unpriced && cost.unpriced.length
      ? h(
          'p',
          { class: 'muted' },
          `No price known for ${cost.unpriced.map((u) => `${u.provider} ${u.model}`).join(', ')}: the total leaves them out.`,
        )
      : null,
    cost.prices && cost.prices.as_of
      ? h('p', { class: 'muted small' }, `Prices as of ${cost.prices.as_of} (${cost.prices.source || 'defaults'}).`)
      : null,
  );
}

function costTable(cost) {
  if (!cost || !Object.keys(cost).length) return h('p', { class: 'muted' }, 'No cost recorded.');
  if (Array.isArray(cost.items)) return itemizedCost(cost);
  // Any other shape: every figure, by its path.
  const total = cost.total_usd ?? cost.total;
  const rest = { ...cost };
  delete rest.total_usd;
  delete rest.total;
  return h(
    'div',
    {},
    total !== undefined ? h('p', { class: 'total' }, 'Total ', h('strong', {}, fmtUsd(total))) : null,
    h(
      'table',
      { class: 'cost-table' },
      h('caption', { class: 'visually-hidden' }, 'Cost breakdown'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col' }, 'Value'))),
      h(
        'tbody',
        {},
        costRows(rest).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v))),
      ),
    ),
  );
}

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((t) => typeof t === 'string').join(' ');
  return '';
}

function epoch(value) {
  // LiveKit's chat items carry created_at in seconds; ISO strings pass through.
  if (typeof value === 'number') return new Date(value < 1e12 ? value * 1000 : value);
  return value;
}

/** The conversation as the agent's chat history kept it: messages, tool calls, tool outputs. */
function transcriptList(transcript, tz) {
  if (!transcript || !transcript.length) return h('p', { class: 'muted' }, 'No transcript recorded.');
  return h(
    'ol',
    { class: 'transcript' },
    transcript.map((turn) => {
      const when = epoch(turn.created_at ?? turn.ts ?? turn.at);
      const time = when ? h('span', { class: 'muted' }, ` ${fmtTime(when, tz)}`) : null;
      if (turn.type === 'function_call') {
        let args = turn.arguments;
        try {
          args = typeof args === 'string' ? JSON.parse(args) : args;
        } catch {
          /* shown as the raw string */
        }
        return h(
          'li',
          { class: 'turn tool' },
          h('strong', {}, 'Tool call ', h('code', {}, turn.name || 'tool')),
          time,
          args && Object.keys(args).length ? h('pre', { class: 'json' }, JSON.stringify(args, null, 2)) : null,
        );
      }
      if (turn.type === 'function_call_output') {
        return h(
          'li',
          { class: `turn tool${turn.is_error ? ' failed' : ''}` },
          h('strong', {}, turn.is_error ? 'Tool error ' : 'Tool output ', h('code', {}, turn.name || '')),
          time,
          h('p', {}, String(turn.output ?? '')),
        );
      }
      const role = turn.role === 'user' ? 'user' : 'assistant';
      return h(
        'li',
        { class: `turn role-${role}` },
        h('strong', {}, role === 'user' ? 'Caller' : 'Aida'),
        time,
        h('p', {}, textOf(turn.text ?? turn.content)),
        turn.interrupted ? h('p', { class: 'tl-note' }, 'Interrupted') : null,
      );
    }),
  );
}

export async function renderCall(main, id) {
  const tz = await clinicTimezone();
  const back = h('p', {}, h('a', { href: '#/calls', class: 'back' }, '← All calls'));
  let call;
  try {
    call = await api(`/summaries/${encodeURIComponent(id)}`, { staff: true });
  } catch (err) {
    append(main, [
      back,
      h('h1', { id: 'page-title', tabindex: '-1' }, 'Call not found'),
      h('p', { class: 'alert error', role: 'alert' }, err.message),
    ]);
    return;
  }
  const started = call.started_at || call.created_at;
  const timeline = new TimelineView({
    tz,
    hideTypes: ['agent_state'],
    label: 'Call timeline',
    empty: 'No timeline recorded for this call.',
  });
  timeline.addAll(call.timeline || []);
  const showStates = h('input', { type: 'checkbox', id: 'show-states' });
  showStates.addEventListener('change', () =>
    timeline.setHideTypes(showStates.checked ? [] : ['agent_state']),
  );

  append(main, [
    back,
    h('h1', { id: 'page-title', tabindex: '-1' }, `Call with ${callerLabel(call) || 'an unknown caller'}`),
    h('p', { class: 'lead' }, `${fmtDateTime(started, tz)} (${tzName(tz, started || undefined)})`),
    emergencyBanner(call),
    h(
      'div',
      { class: 'call-grid' },
      section(
        'Summary',
        'sec-summary',
        h('p', { class: 'summary-text' }, call.summary_text || 'No summary was written for this call.'),
        facts([
          ['Direction', directionLabel(call)],
          ['Started', fmtDateTime(call.started_at, tz)],
          ['Ended', fmtDateTime(call.ended_at, tz)],
          ['Length', fmtDuration(call.duration_seconds)],
          ['Status', call.status ? humanize(call.status) : ''],
          ['Ended because', call.end_reason ? humanize(call.end_reason) : ''],
          ['Room', call.room_name],
        ]),
      ),
      section(
        'Action items',
        'sec-actions',
        call.action_items && call.action_items.length
          ? h(
              'ul',
              { class: 'action-items' },
              byUrgency(call.action_items, call.action_items_state).map((entry) => actionItem(call.id, entry, tz)),
            )
          : h('p', { class: 'muted' }, 'No action items.'),
      ),
      section(
        'Appointments in this call',
        'sec-appointments',
        call.appointments_in_call && call.appointments_in_call.length
          ? h('ul', { class: 'changes' }, call.appointments_in_call.map((c) => appointmentChange(c, tz)))
          : h('p', { class: 'muted' }, 'No appointments were booked, moved or cancelled.'),
      ),
      call.preferences && Object.keys(call.preferences).length
        ? section(
            'Preferences noted',
            'sec-prefs',
            facts(Object.entries(call.preferences).map(([k, v]) => [humanize(k), typeof v === 'object' ? JSON.stringify(v) : String(v)])),
          )
        : null,
    ),
    section('Cost', 'sec-cost', costTable(call.cost_breakdown)),
    section(
      'Timeline',
      'sec-timeline',
      h(
        'div',
        { class: 'field inline' },
        showStates,
        h('label', { for: 'show-states' }, 'Show when Aida was listening, thinking or speaking'),
      ),
      timeline.el,
    ),
    section('Transcript', 'sec-transcript', transcriptList(call.transcript, tz)),
  ]);
}
