// The panel's model and its one pure step: (state, event, now) -> {state, effects}.
//
// No DOM, no timers, no clock, no socket: `now` (unix seconds) is passed in, and what the
// shell must do besides rendering (send a message, clear the paste box, start a timer, pause
// the DOM watchers) comes back as `effects`. The input state is never changed: a step that
// changes something returns a new object, a step that changes nothing returns the same one.
//
// Events are the bridge's messages as they arrive (docs/bridge.md: party-state,
// party-enabled, ...) and the panel's own events (the PANEL types below).

import { leagueChatFrom, memberFrom, newestPending, num, tokenFrom } from './model.js';
import { MSG } from './messages.js';

export { memberFrom, num };

/** The panel's own events: what the user did (once the request went out) and timers. */
export const PANEL = Object.freeze({
  connected: 'panel/connected', // the bridge is (back) up; the state is asked for
  status: 'panel/bridge-status', // {ready}
  toggleSent: 'panel/toggle-sent',
  inviteSent: 'panel/invite-sent',
  pasteSent: 'panel/paste-sent', // {text}: sent as party-add-peer, or party-enable first
  removeSent: 'panel/remove-sent', // {key, riotId}
  removeTimeout: 'panel/remove-timeout', // {key, serial, riotId}
  noteTimeout: 'panel/note-timeout', // {serial}
  queuedSendFailed: 'panel/queued-send-failed',
  chatAsk: 'panel/chat-ask', // the user turned League chat on before it was explained
  chatCancel: 'panel/chat-cancel',
  chatSent: 'panel/chat-sent', // party-set-league-chat went out
  forgetSent: 'panel/forget-sent', // {puuid | null (all)}
});

export const TEXT = Object.freeze({
  answerBack: 'Invite accepted. Now send your answer back.',
  answerAccepted: 'Answer accepted: connecting to your friend…',
  tokenAccepted: 'Token accepted.',
  tokenRefused: 'That token could not be used.',
  bridgeGone: 'The bridge went away: paste the token again.',
  cannotStart: 'Party mode could not start.',
  cannotStop: 'Party mode could not stop.',
  cannotRemove: 'That member could not be removed.',
  wentWrong: 'Something went wrong.',
  chatFailed: 'The League chat setting could not be changed.',
  // shown once, before League chat is first turned on
  chatExplain:
    'Your friends in your lobby who are not linked yet get ONE direct message from you in League chat: ' +
    '"Party mode invite (Rose skin sync), ignore if you don\'t use it." followed by a long token. ' +
    'A friend with party mode answers with one message and you connect; nobody pastes. ' +
    'Friends you connect with are remembered and reconnect by themselves next time, until you forget them. ' +
    'Riot may dislike automated chat messages: it is off unless you turn it on.',
});

export function initialState() {
  return {
    bridgeReady: false,
    enabled: false,
    pendingToggle: false,
    me: null,
    members: [],
    phase: '',
    invite: null, // {token, expiresAt}: ours, for the next friend
    inviteRequested: false,
    answer: null, // {token, expiresAt}: ours, to be sent back
    pasteNote: null, // {kind: 'error' | 'ok', text, serial}
    pasteBusy: false,
    pasteQueued: null, // a paste waiting for party mode to come on
    awaitingResult: false, // accepted; party-state.last_result will say what it did
    lastResultAt: null,
    notice: null, // an error not tied to the paste box
    warnings: [],
    removing: {}, // member key -> serial of its removal timer
    serial: 0, // last serial handed to a timer (notes, removals)
    leagueChat: null, // party-state.league_chat, or null (Rose's own bridge has none)
    chatExplaining: false, // the one-time explanation is open
    chatPending: false,
    forgetting: null, // a puuid (or '*' for all) being forgotten
  };
}

/** Whether a removal of member `key` is waiting for the bridge's answer. */
export const isRemoving = (state, key) => Object.prototype.hasOwnProperty.call(state.removing, key);

/** A token {token, expiresAt} that has run out at `now` (unix seconds). */
export const isExpired = (pending, now) =>
  pending !== null && pending !== undefined && pending.expiresAt !== null && pending.expiresAt <= now;

function errorText(message, fallback) {
  return typeof message.error === 'string' && message.error.trim() ? message.error : fallback;
}

/** The working copy of one step: `s` is a shallow copy of the state, changed in place. */
class Step {
  constructor(state) {
    this.s = { ...state };
    this.effects = [];
  }

  /** A success note goes away by itself (a timer); an error stays until the next try. */
  setPasteNote(kind, text) {
    const serial = this.s.serial + 1;
    this.s.serial = serial;
    this.s.pasteNote = { kind, text, serial };
    if (kind === 'ok') this.effects.push({ do: 'note-timer', serial });
  }

  setPhase(phase) {
    if (phase === this.s.phase) return;
    this.s.phase = phase;
    this.effects.push({ do: 'phase', phase });
  }

  clearPaste() {
    this.effects.push({ do: 'clear-paste' });
  }

  dropRemoving(keep) {
    // fromEntries defines own keys: a member key such as "__proto__" stays a plain key.
    this.s.removing = Object.fromEntries(Object.entries(this.s.removing).filter(([key]) => keep(key)));
  }
}

/** Everything the panel shows comes from party-state; missing keys (Rose's own old
 * manager) fall back to what the older keys say. */
function applyState(st, msg, now) {
  const s = st.s;
  s.enabled = msg.enabled === true;
  s.pendingToggle = false;
  s.me = msg.me ? memberFrom(msg.me) : null;
  if (!s.me && msg.my_summoner_name) {
    s.me = memberFrom({ riot_id: msg.my_summoner_name, summoner_id: msg.my_summoner_id });
  }
  const rawMembers = Array.isArray(msg.members) ? msg.members : Array.isArray(msg.peers) ? msg.peers : [];
  s.members = rawMembers.filter((m) => m && typeof m === 'object' && !m.is_local).map(memberFrom);
  st.dropRemoving((key) => s.members.some((m) => m.key === key));
  if (typeof msg.phase === 'string') st.setPhase(msg.phase);
  s.warnings = Array.isArray(msg.warnings) ? msg.warnings.filter((w) => typeof w === 'string' && w) : [];
  s.leagueChat = leagueChatFrom(msg.league_chat);
  if (s.forgetting !== null && s.leagueChat) {
    const left = s.leagueChat.remembered.some((f) => s.forgetting === '*' || f.puuid === s.forgetting);
    if (!left) s.forgetting = null;
  }

  s.invite = 'my_token' in msg ? tokenFrom(msg.my_token, msg.my_token_expires_at) : newestPending(msg.pending, 'invite');
  if (s.invite && s.invite.expiresAt === null) {
    const listed = newestPending(msg.pending, 'invite');
    if (listed && listed.token === s.invite.token) s.invite = listed;
  }
  const answer =
    'my_answer' in msg ? tokenFrom(msg.my_answer, msg.my_answer_expires_at) : newestPending(msg.pending, 'answer');
  if (s.answer && (!answer || answer.token !== s.answer.token) && !isExpired(s.answer, now)) {
    // Our answer was used: the link is up, "send it back" is over.
    if (s.pasteNote && s.pasteNote.kind === 'ok') s.pasteNote = null;
  }
  s.answer = answer;
  if (msg.last_result && typeof msg.last_result === 'object') onLastResult(st, msg.last_result);
  if (!s.enabled) {
    s.invite = null;
    s.answer = null;
  }
}

function onLastResult(st, result) {
  const s = st.s;
  const at = result.at === undefined ? null : result.at;
  if (at === s.lastResultAt) return;
  const quiet = s.lastResultAt === null && !s.pasteBusy && !s.awaitingResult;
  s.lastResultAt = at;
  if (quiet) return; // from before this panel connected
  s.pasteBusy = false;
  s.awaitingResult = false;
  if (result.ok === false || result.kind === 'error') {
    st.setPasteNote('error', errorText(result, TEXT.tokenRefused));
    return;
  }
  st.clearPaste();
  if (result.kind === 'answer') st.setPasteNote('ok', TEXT.answerBack);
  else st.setPasteNote('ok', TEXT.answerAccepted);
}

function onEnabled(st, message) {
  const s = st.s;
  s.pendingToggle = false;
  s.inviteRequested = false;
  const queued = s.pasteQueued;
  s.pasteQueued = null;
  if (message.success === false) {
    const text = errorText(message, TEXT.cannotStart);
    if (queued !== null) {
      s.pasteBusy = false;
      st.setPasteNote('error', text);
    } else {
      s.notice = text;
    }
    return;
  }
  s.enabled = true;
  s.notice = null;
  // Rose's one-button flow: enabling gives our invite; its expiry comes with party-state.
  const token = typeof message.token === 'string' && message.token ? message.token : null;
  if (token && (!s.invite || s.invite.token !== token)) {
    s.invite = { token, expiresAt: num(message.expires_at) };
  }
  if (queued !== null) {
    st.effects.push({ do: 'send', message: { type: MSG.addPeer, token: queued }, failed: { type: PANEL.queuedSendFailed } });
  }
}

function onDisabled(st, message) {
  const s = st.s;
  s.pendingToggle = false;
  if (message.success === false) {
    s.notice = errorText(message, TEXT.cannotStop);
    return;
  }
  s.enabled = false;
  s.invite = null;
  s.answer = null;
  s.pasteNote = null;
}

function onPeerAdded(st, message) {
  const s = st.s;
  if (message.success === false) {
    s.pasteBusy = false;
    s.awaitingResult = false;
    st.setPasteNote('error', errorText(message, TEXT.tokenRefused));
    return;
  }
  if (message.kind === 'answer' || message.kind === 'completed') {
    // Our own bridge says which at once; Rose's says it in party-state.last_result.
    s.pasteBusy = false;
    st.clearPaste();
    if (message.kind === 'answer') {
      const answer = tokenFrom(message.answer, message.expires_at);
      if (answer) s.answer = answer;
      st.setPasteNote('ok', TEXT.answerBack);
    } else {
      st.setPasteNote('ok', TEXT.answerAccepted);
    }
    return;
  }
  if (s.pasteBusy) {
    s.awaitingResult = true; // the state that follows tells answer or completed
    s.pasteBusy = false;
    st.clearPaste();
    st.setPasteNote('ok', TEXT.tokenAccepted);
  }
}

function onPeerRemoved(st, message) {
  const s = st.s;
  const sid = num(message.summoner_id !== undefined ? Number(message.summoner_id) : null);
  st.dropRemoving((key) => {
    const member = s.members.find((m) => m.key === key);
    return !(sid === null || !member || member.summonerId === sid);
  });
  s.notice = message.success === false ? errorText(message, TEXT.cannotRemove) : null;
}

function onError(st, message) {
  const s = st.s;
  const text = errorText(message, TEXT.wentWrong);
  const asked = message.request_type;
  if (asked === MSG.addPeer || (asked === MSG.enable && s.pasteQueued !== null)) {
    s.pasteBusy = false;
    s.pasteQueued = null;
    st.setPasteNote('error', text);
    return;
  }
  if (asked === MSG.setLeagueChat) s.chatPending = false;
  if (asked === MSG.forgetFriend) s.forgetting = null;
  if (asked === MSG.enable) s.inviteRequested = false;
  if (asked === MSG.enable || asked === MSG.disable) s.pendingToggle = false;
  if (asked == null) {
    // Not tied to a request we know: unblock everything.
    s.inviteRequested = false;
    s.pasteBusy = false;
    s.pendingToggle = false;
  }
  s.notice = text;
}

/** The panel's own events; false when the event changes nothing. */
function onPanelEvent(st, event) {
  const s = st.s;
  switch (event.type) {
    case PANEL.connected:
      s.bridgeReady = true;
      s.pasteBusy = false;
      s.pasteQueued = null;
      s.inviteRequested = false;
      return true;
    case PANEL.status:
      if (s.bridgeReady === event.ready) return false;
      s.bridgeReady = event.ready;
      return true;
    case PANEL.toggleSent:
      s.pendingToggle = true;
      return true;
    case PANEL.inviteSent:
      s.inviteRequested = true;
      return true;
    case PANEL.pasteSent:
      s.pasteQueued = s.enabled ? null : event.text;
      s.pasteBusy = true;
      s.awaitingResult = false;
      s.pasteNote = null;
      return true;
    case PANEL.removeSent: {
      const serial = s.serial + 1;
      s.serial = serial;
      s.removing = { ...s.removing, [event.key]: serial };
      st.effects.push({ do: 'remove-timer', key: event.key, serial, riotId: event.riotId });
      return true;
    }
    case PANEL.removeTimeout:
      // Rose answers only when it worked: no answer, no change.
      if (!isRemoving(s, event.key) || s.removing[event.key] !== event.serial) return false;
      st.dropRemoving((key) => key !== event.key);
      if (s.members.some((m) => m.key === event.key)) s.notice = `${event.riotId} could not be removed.`;
      return true;
    case PANEL.noteTimeout:
      if (!s.pasteNote || s.pasteNote.kind !== 'ok' || s.pasteNote.serial !== event.serial) return false;
      s.pasteNote = null;
      return true;
    case PANEL.chatAsk:
      s.chatExplaining = true;
      return true;
    case PANEL.chatCancel:
      if (!s.chatExplaining) return false;
      s.chatExplaining = false;
      return true;
    case PANEL.chatSent:
      s.chatExplaining = false;
      s.chatPending = true;
      return true;
    case PANEL.forgetSent:
      s.forgetting = event.puuid === null ? '*' : event.puuid;
      return true;
    case PANEL.queuedSendFailed:
      s.pasteBusy = false;
      st.setPasteNote('error', TEXT.bridgeGone);
      return true;
    default:
      return false;
  }
}

/**
 * One step of the panel's model. `event` is a bridge message or a PANEL event, `now` unix
 * seconds. Returns {state, effects}; `state` is the input object itself when nothing changed
 * (an unknown event, a timer that is no longer current).
 */
export function step(state, event, now) {
  const st = new Step(state);
  switch (event && event.type) {
    case MSG.state:
      applyState(st, event, now);
      break;
    case MSG.enabled:
      onEnabled(st, event);
      break;
    case MSG.disabled:
      onDisabled(st, event);
      break;
    case MSG.peerAdded:
      onPeerAdded(st, event);
      break;
    case MSG.peerRemoved:
      onPeerRemoved(st, event);
      break;
    case MSG.phase:
      if (typeof event.phase === 'string') st.setPhase(event.phase);
      break;
    case MSG.error:
      onError(st, event);
      break;
    case MSG.leagueChatSet:
      st.s.chatPending = false;
      if (event.success === false) st.s.notice = errorText(event, TEXT.chatFailed);
      else if (st.s.leagueChat) {
        st.s.leagueChat = { ...st.s.leagueChat, enabled: event.enabled === true, explained: event.explained === true };
      }
      break;
    case MSG.friendForgotten:
      if (st.s.leagueChat && event.success !== false) {
        const gone = (f) => event.all === true || f.puuid === event.puuid;
        st.s.leagueChat = { ...st.s.leagueChat, remembered: st.s.leagueChat.remembered.filter((f) => !gone(f)) };
      }
      st.s.forgetting = null;
      break;
    default:
      if (!onPanelEvent(st, event || {})) return { state, effects: [] };
  }
  return { state: st.s, effects: st.effects };
}

/** `step` without the effects. */
export const reduce = (state, event, now) => step(state, event, now).state;
