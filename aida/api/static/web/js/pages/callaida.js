// Call Aida: a token from POST /api/session, a LiveKit room with the microphone published,
// Aida's audio played, and her timeline (data topic "aida.timeline") drawn as it arrives.

import { api } from '../api.js';
import { append, field, h } from '../dom.js';
import { TimelineView, decodeEvent } from '../timeline.js';

export const TIMELINE_TOPIC = 'aida.timeline';
const AGENT_STATES = {
  initializing: 'Aida is getting ready…',
  listening: 'Aida is listening.',
  thinking: 'Aida is thinking…',
  speaking: 'Aida is speaking.',
  idle: 'Aida is idle.',
};

let livekit = null;
async function loadLiveKit() {
  // Loaded on demand: the dashboard pages never pay for the 1.4 MB client.
  livekit = livekit || (await import('../../vendor/livekit-client.esm.mjs'));
  return livekit;
}

export function renderCallAida(main) {
  let room = null;
  let callId = null;

  const transcript = new TimelineView({
    types: ['transcript'],
    label: 'Live transcript',
    empty: 'What you and Aida say appears here.',
  });
  const timeline = new TimelineView({
    hideTypes: ['agent_state'],
    label: 'Live timeline',
    empty: 'Tool calls and call events appear here as they happen.',
  });
  const agentState = h('p', { class: 'agent-state', 'aria-live': 'polite' });

  /** The data-channel handler: one message of the "aida.timeline" topic. */
  function handle(payload, _participant, _kind, topic = TIMELINE_TOPIC) {
    if (topic !== TIMELINE_TOPIC) return false;
    const event = decodeEvent(payload);
    if (!event) return false;
    if (callId && event.call_id && event.call_id !== callId) {
      // A new call in the same page: start clean rather than mixing two calls.
      transcript.reset();
      timeline.reset();
    }
    callId = event.call_id || callId;
    if (event.type === 'agent_state' && AGENT_STATES[event.new]) {
      const latest = timeline.ordered().filter((e) => e.type === 'agent_state').pop();
      if (!latest || latest.seq < event.seq) agentState.textContent = AGENT_STATES[event.new];
    }
    const fresh = timeline.add(event);
    transcript.add(event);
    return fresh;
  }
  window.aidaTimeline = {
    topic: TIMELINE_TOPIC,
    handle,
    events: () => timeline.ordered(),
    reset: () => {
      callId = null;
      transcript.reset();
      timeline.reset();
    },
  };

  const [nameField, nameInput] = field('Your name', { name: 'name', autocomplete: 'name', maxlength: '80' }, 'Optional.');
  const [phoneField, phoneInput] = field(
    'Your phone number',
    { type: 'tel', name: 'phone', autocomplete: 'tel', maxlength: '32' },
    'Optional: Aida uses it as your caller ID to find your appointments.',
  );
  const notice = h('p', { class: 'alert warn', role: 'note', hidden: true });
  const error = h('p', { class: 'alert error', role: 'alert', hidden: true });
  const status = h('p', { class: 'status call-status', role: 'status' }, 'Not connected.');
  const callButton = h('button', { type: 'submit', class: 'primary big' }, 'Call Aida');
  const muteButton = h('button', { type: 'button', 'aria-pressed': 'false', hidden: true }, 'Mute microphone');
  const hangButton = h('button', { type: 'button', class: 'danger', hidden: true }, 'Hang up');
  const audioButton = h('button', { type: 'button', hidden: true }, 'Play Aida’s audio');
  const audioBox = h('div', { class: 'visually-hidden', 'aria-hidden': 'true' });

  const form = h(
    'form',
    { class: 'card call-form', 'aria-label': 'Start a call' },
    nameField,
    phoneField,
    error,
    h('div', { class: 'actions' }, callButton, muteButton, hangButton, audioButton),
    status,
    agentState,
    audioBox,
  );

  function showError(text) {
    error.textContent = text;
    error.hidden = !text;
  }

  function setConnected(connected) {
    callButton.hidden = connected;
    nameInput.disabled = phoneInput.disabled = connected;
    muteButton.hidden = hangButton.hidden = !connected;
    if (!connected) {
      audioButton.hidden = true;
      agentState.textContent = '';
      muteButton.setAttribute('aria-pressed', 'false');
      muteButton.textContent = 'Mute microphone';
    }
  }

  async function start() {
    showError('');
    callButton.disabled = true;
    status.textContent = 'Asking the server for a call…';
    let session;
    try {
      session = await api('/session', {
        method: 'POST',
        body: { name: nameInput.value.trim() || null, phone: phoneInput.value.trim() || null },
      });
    } catch (err) {
      callButton.disabled = false;
      status.textContent = 'Not connected.';
      if (err.code === 'livekit_not_configured') {
        showError(
          'Voice calls are not set up on this server, so Aida cannot be called from here. ' + err.message,
        );
      } else if (err.status === 422) {
        showError(err.message);
        phoneInput.focus();
      } else {
        showError(err.message);
      }
      return;
    }
    try {
      status.textContent = 'Connecting…';
      const lk = await loadLiveKit();
      room = new lk.Room({ adaptiveStream: true, dynacast: true });
      window.aidaTimeline.reset();
      room
        .on(lk.RoomEvent.DataReceived, (payload, participant, kind, topic) => handle(payload, participant, kind, topic))
        .on(lk.RoomEvent.TrackSubscribed, (track, _pub, participant) => {
          if (track.kind !== lk.Track.Kind.Audio) return;
          const el = track.attach();
          el.dataset.participant = participant.identity;
          audioBox.append(el);
        })
        .on(lk.RoomEvent.TrackUnsubscribed, (track) => track.detach().forEach((el) => el.remove()))
        .on(lk.RoomEvent.ParticipantConnected, (p) => {
          if (p.isAgent) status.textContent = 'Aida has joined. Say hello.';
        })
        .on(lk.RoomEvent.AudioPlaybackStatusChanged, () => {
          audioButton.hidden = room.canPlaybackAudio;
        })
        .on(lk.RoomEvent.Disconnected, () => {
          status.textContent = 'Call ended.';
          room = null;
          setConnected(false);
          callButton.disabled = false;
        });
      await room.connect(session.url, session.token);
      setConnected(true);
      status.textContent = [...room.remoteParticipants.values()].some((p) => p.isAgent)
        ? 'Aida has joined. Say hello.'
        : 'Connected. Waiting for Aida to join…';
      try {
        await room.localParticipant.setMicrophoneEnabled(true);
      } catch {
        showError('The microphone is blocked. Allow microphone access for this page to talk to Aida.');
      }
    } catch (err) {
      if (room) await room.disconnect();
      room = null;
      setConnected(false);
      callButton.disabled = false;
      status.textContent = 'Not connected.';
      showError(`Could not connect to the voice server: ${err && err.message ? err.message : err}`);
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    start();
  });
  hangButton.addEventListener('click', async () => {
    if (room) await room.disconnect();
  });
  muteButton.addEventListener('click', async () => {
    if (!room) return;
    const muted = muteButton.getAttribute('aria-pressed') === 'true';
    await room.localParticipant.setMicrophoneEnabled(muted);
    muteButton.setAttribute('aria-pressed', String(!muted));
    muteButton.textContent = muted ? 'Mute microphone' : 'Unmute microphone';
  });
  audioButton.addEventListener('click', async () => {
    if (room) await room.startAudio();
    audioButton.hidden = room ? room.canPlaybackAudio : true;
  });

  append(main, [
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Call Aida'),
    h('p', { class: 'lead' }, 'Talk to Aida from this browser, as a patient would on the phone. Your microphone is used once you start the call.'),
    notice,
    form,
    h(
      'div',
      { class: 'live-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'live-transcript' }, h('h2', { id: 'live-transcript' }, 'Transcript'), transcript.el),
      h('section', { class: 'card', 'aria-labelledby': 'live-timeline' }, h('h2', { id: 'live-timeline' }, 'Timeline'), timeline.el),
    ),
  ]);

  // Say up front when calls cannot work, instead of after a click.
  api('/health')
    .catch((err) => err.body)
    .then((health) => {
      if (health && health.livekit && health.livekit.configured === false) {
        notice.textContent =
          'Voice calls are not set up on this server: an administrator needs to set ' +
          `${health.livekit.missing.join(', ')}. The rest of the dashboard works without them.`;
        notice.hidden = false;
      }
    });

  return () => {
    // Leaving the page ends the call: nothing keeps the microphone open in the background.
    if (room) room.disconnect();
    if (window.aidaTimeline && window.aidaTimeline.handle === handle) delete window.aidaTimeline;
  };
}
