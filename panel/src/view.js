// The panel's DOM: the social bar button, the panel, and render(state). It reads the
// state and never changes it: what the user does goes to `actions` (main.js). Member rows
// are in members.js, the token boxes in tokens.js, DOM helpers in dom.js.

import { el, injectStyle, svgIcon } from './dom.js';
import { createRows, previewUrl, skinLine, statusLabel } from './members.js';
import { TEXT, isExpired } from './reducer.js';
import { createTokenBlocks } from './tokens.js';

export { el, injectStyle, previewUrl, skinLine, statusLabel };

const ICON_PARTY = [
  'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm0 2c-3.3 0-6 1.8-6 4v2h12v-2c0-2.2-2.7-4-6-4z',
  'M16.5 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm1 2h-1.2c1.1.9 1.7 2.1 1.7 3.5V19h4v-2c0-2-2-4-4.5-4z',
];

const PHASE_WORDS = {
  Lobby: 'in lobby',
  Matchmaking: 'in queue',
  ReadyCheck: 'in queue',
  ChampSelect: 'champion select',
  GameStart: 'game starting',
  InProgress: 'in game',
  Reconnect: 'in game',
  WaitingForStats: 'after game',
  PreEndOfGame: 'after game',
  EndOfGame: 'after game',
};

/**
 * The panel and its button. `qrUrl(token)` is the bridge's QR address or null; `actions` has
 * toggle(), invite(), paste(text), remove(member) and opened() (the panel was opened);
 * `now()` is the time in unix seconds (countdowns, expiry).
 */
export function createView({ qrUrl, actions, now }) {
  const ui = {};
  let state = null; // the state last rendered
  let button = null;
  const { tokenBlock, setToken, updateCountdown } = createTokenBlocks(qrUrl);
  const { memberRow, rememberedRow } = createRows({ actions, getState: () => state });


  function build() {
    const toggle = el('button', {
      class: 'rpm-switch',
      type: 'button',
      role: 'switch',
      'aria-checked': 'false',
      'aria-label': 'Party mode',
      'data-role': 'toggle',
      title: 'Party mode on/off',
    });
    toggle.addEventListener('click', () => actions.toggle());
    const link = el('span', { class: 'rpm-link', 'data-role': 'bridge', text: 'connecting…' });
    const close = el('button', { class: 'rpm-close', type: 'button', 'aria-label': 'Close', text: '×' });
    close.addEventListener('click', () => setOpen(false));

    const notice = el('div', { class: 'rpm-note rpm-error', 'data-role': 'notice', role: 'alert', hidden: true });
    const warnings = el('ul', { class: 'rpm-note rpm-warnings', 'data-role': 'warnings', hidden: true });
    const off = el('p', {
      class: 'rpm-muted',
      'data-role': 'off',
      text: 'Party mode is off. Turn it on to invite friends and see their skins in your games.',
    });

    // Invite
    const inviteBlock = tokenBlock('invite');
    const inviteButton = el('button', { class: 'rpm-btn rpm-primary', type: 'button', 'data-role': 'create-invite', text: 'Create invite' });
    inviteButton.addEventListener('click', () => actions.invite());
    const inviteHint = el('p', { class: 'rpm-hint', 'data-role': 'invite-hint', text: 'Send this invite to a friend, then paste their answer below.' });
    const inviteExpired = el('p', { class: 'rpm-note rpm-error', 'data-role': 'invite-expired', text: 'This invite expired.' });
    const inviteSection = el(
      'div',
      { class: 'rpm-section', 'data-role': 'invite' },
      el('div', { class: 'rpm-h-row' }, el('h3', { class: 'rpm-h', text: 'Invite a friend' }), inviteButton),
      inviteHint,
      inviteExpired,
      inviteBlock.root
    );

    // Paste
    const paste = el('textarea', {
      class: 'rpm-token rpm-paste',
      spellcheck: 'false',
      placeholder: "Paste a friend's invite or answer here",
      'data-role': 'paste',
    });
    const useButton = el('button', { class: 'rpm-btn', type: 'button', 'data-role': 'paste-submit', text: 'Use token' });
    const submitPaste = () => {
      const text = paste.value;
      if (text.trim()) actions.paste(text);
    };
    useButton.addEventListener('click', submitPaste);
    paste.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        submitPaste();
      }
    });
    const pasteNote = el('div', { class: 'rpm-note', 'data-role': 'paste-note', role: 'status' });
    const answerBlock = tokenBlock('answer');
    const answerWrap = el(
      'div',
      { 'data-role': 'answer' },
      el('p', { class: 'rpm-hint', text: 'Send this back to your friend: they paste it to finish the link.' }),
      answerBlock.root
    );
    const pasteSection = el(
      'div',
      { class: 'rpm-section', 'data-role': 'paste-section' },
      el('h3', { class: 'rpm-h', text: "Paste a friend's token" }),
      paste,
      el('div', { class: 'rpm-row' }, el('span', { class: 'rpm-grow rpm-muted', text: 'Chat formatting is fine.' }), useButton),
      pasteNote,
      answerWrap
    );

    // Members
    const members = el('ul', { class: 'rpm-members', 'data-role': 'members' });
    const empty = el('p', { class: 'rpm-muted', 'data-role': 'members-empty', text: 'Nobody yet. Invite a friend or paste their invite.' });
    const membersTitle = el('h3', { class: 'rpm-h', 'data-role': 'members-title', text: 'Friends' });
    const membersSection = el('div', { class: 'rpm-section', 'data-role': 'members-section' }, membersTitle, empty, members);

    // League chat (opt-in; docs/league-chat.md)
    const chatToggle = el('input', { type: 'checkbox', 'data-role': 'chat-toggle' });
    chatToggle.addEventListener('change', () => {
      chatToggle.checked = !chatToggle.checked; // the state decides, once the bridge answers
      actions.chatToggle();
    });
    const chatLabel = el(
      'label',
      { class: 'rpm-row rpm-chat-label' },
      chatToggle,
      el('span', { class: 'rpm-grow', text: 'Connect to friends in my lobby through League chat' })
    );
    const chatOk = el('button', { class: 'rpm-btn rpm-primary', type: 'button', 'data-role': 'chat-explain-ok', text: 'Turn on' });
    chatOk.addEventListener('click', () => actions.chatConfirm());
    const chatCancel = el('button', { class: 'rpm-btn', type: 'button', 'data-role': 'chat-explain-cancel', text: 'Cancel' });
    chatCancel.addEventListener('click', () => actions.chatCancel());
    const chatExplain = el(
      'div',
      { class: 'rpm-note', 'data-role': 'chat-explain', role: 'dialog', hidden: true },
      el('p', { text: TEXT.chatExplain }),
      el('div', { class: 'rpm-row' }, el('span', { class: 'rpm-grow' }), chatCancel, chatOk)
    );
    const chatStatus = el('p', { class: 'rpm-hint', 'data-role': 'chat-status' });
    const remembered = el('ul', { class: 'rpm-members', 'data-role': 'remembered' });
    const forgetAll = el('button', { class: 'rpm-btn', type: 'button', 'data-role': 'forget-all', text: 'Forget all' });
    forgetAll.addEventListener('click', () => actions.forget(null));
    const rememberedWrap = el(
      'div',
      { 'data-role': 'remembered-section' },
      el('div', { class: 'rpm-h-row' }, el('h3', { class: 'rpm-h', text: 'Remembered friends' }), forgetAll),
      remembered
    );
    const chatSection = el(
      'div',
      { class: 'rpm-section', 'data-role': 'chat-section', hidden: true },
      chatLabel,
      chatExplain,
      chatStatus,
      rememberedWrap
    );

    const foot = el('div', { class: 'rpm-foot', 'data-role': 'me' });

    const panel = el(
      'div',
      { class: 'rpm-panel', id: 'rpm-panel', hidden: true, role: 'dialog', 'aria-label': 'Party mode' },
      el('div', { class: 'rpm-head' }, el('h2', { class: 'rpm-title', text: 'Party mode' }), link, toggle, close),
      notice,
      warnings,
      off,
      membersSection,
      inviteSection,
      pasteSection,
      chatSection,
      foot
    );
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !panel.hidden) setOpen(false);
    });
    window.addEventListener('resize', () => {
      if (!panel.hidden) placePanel();
    });
    Object.assign(ui, {
      panel, toggle, link, notice, warnings, off, inviteSection, inviteBlock, inviteButton, inviteHint, inviteExpired,
      pasteSection, paste, useButton, pasteNote, answerBlock, answerWrap, members, empty, foot,
      membersSection, membersTitle, chatSection, chatToggle, chatExplain, chatStatus, remembered,
      rememberedWrap, forgetAll,
    });
    document.body.append(panel);
  }


  function renderChat(connected) {
    const chat = state.leagueChat;
    ui.chatSection.hidden = !connected || !chat || !chat.available;
    if (ui.chatSection.hidden) return;
    ui.chatToggle.checked = chat.enabled;
    ui.chatToggle.disabled = state.chatPending;
    ui.chatExplain.hidden = !state.chatExplaining;
    let status = chat.enabled ? 'On: invites go to lobby friends who are not linked yet.' : 'Off.';
    if (chat.enabled && chat.auto) status = 'On: party mode was turned on for a remembered friend in your lobby.';
    if (chat.problem) status = chat.problem;
    ui.chatStatus.textContent = status;
    ui.remembered.replaceChildren(...chat.remembered.map(rememberedRow));
    ui.rememberedWrap.hidden = chat.remembered.length === 0;
    ui.forgetAll.disabled = state.forgetting !== null;
  }

  /** Show `next` (or the state last shown). */
  function render(next) {
    if (next) state = next;
    if (!ui.panel || !state) return;
    const at = now();
    const connected = state.bridgeReady;
    ui.link.textContent = connected ? 'connected' : 'no bridge, retrying…';
    ui.link.dataset.state = connected ? 'connected' : 'disconnected';
    ui.panel.dataset.bridge = connected ? 'connected' : 'disconnected';
    ui.panel.dataset.enabled = String(state.enabled);
    ui.toggle.setAttribute('aria-checked', String(state.enabled));
    ui.toggle.disabled = !connected || state.pendingToggle;

    ui.notice.hidden = !state.notice;
    ui.notice.textContent = state.notice || '';
    ui.warnings.replaceChildren(...state.warnings.map((w) => el('li', { text: w })));
    ui.warnings.hidden = state.warnings.length === 0;

    // Off, the invite and paste boxes stay: using them turns party mode on.
    ui.off.hidden = connected && state.enabled;
    ui.off.textContent = connected
      ? 'Party mode is off. Make an invite or paste a friend\'s token to turn it on.'
      : 'Waiting for the party bridge (webrtc-party or Rose) on this computer…';
    ui.inviteSection.hidden = !connected;
    ui.pasteSection.hidden = !connected;

    // Invite
    const invite = state.invite;
    const expired = isExpired(invite, at);
    // While our answer waits to be sent back, it is the one token shown: no mix-up.
    const answering = !!state.answer && !isExpired(state.answer, at);
    ui.inviteBlock.root.hidden = !invite || expired || answering;
    ui.inviteHint.hidden = !invite || expired || answering;
    ui.inviteExpired.hidden = !expired;
    setToken(ui.inviteBlock, invite);
    updateCountdown(ui.inviteBlock, invite, at);
    ui.inviteButton.textContent = expired ? 'Make a new invite' : invite ? 'New invite' : 'Create invite';
    ui.inviteButton.disabled = state.inviteRequested;

    // Paste
    ui.useButton.disabled = state.pasteBusy;
    ui.pasteNote.hidden = !state.pasteNote;
    if (state.pasteNote) {
      ui.pasteNote.textContent = state.pasteNote.text;
      ui.pasteNote.classList.toggle('rpm-error', state.pasteNote.kind === 'error');
      ui.pasteNote.dataset.kind = state.pasteNote.kind;
    }
    const answer = state.answer;
    ui.answerWrap.hidden = !answer || isExpired(answer, at);
    setToken(ui.answerBlock, answer);
    updateCountdown(ui.answerBlock, answer, at);

    // Members
    ui.members.replaceChildren(...state.members.map(memberRow));
    ui.empty.hidden = state.members.length > 0 || !connected || !state.enabled;
    ui.membersSection.hidden = !connected || (!state.enabled && state.members.length === 0);
    ui.membersTitle.textContent = state.members.length ? `Friends (${state.members.length})` : 'Friends';
    renderChat(connected);
    if (!ui.panel.hidden) placePanel();
    const where = PHASE_WORDS[state.phase];
    ui.foot.textContent = state.me ? `You: ${state.me.riotId}${where ? ` · ${where}` : ''}` : '';
    updateBadge();
  }

  /** Every second while open: the countdowns, and a render when a token ran out. */
  function tick() {
    if (!ui.panel || ui.panel.hidden || !state) return;
    const at = now();
    const inviteWasLive = ui.inviteExpired.hidden;
    updateCountdown(ui.inviteBlock, state.invite, at);
    updateCountdown(ui.answerBlock, state.answer, at);
    if ((inviteWasLive && isExpired(state.invite, at)) || (!ui.answerWrap.hidden && isExpired(state.answer, at))) render();
  }

  // ---------------------------------------------------------- social bar button

  function updateBadge() {
    if (!button || !state) return;
    const live = state.members.filter((m) => m.status === 'direct' || m.status === 'relayed').length;
    button.querySelector('.rpm-badge').textContent = state.enabled && live ? String(live) : '';
    button.classList.toggle('rpm-open', !!ui.panel && !ui.panel.hidden);
  }

  /** As Rose places its own party button: a span.action-bar-button in the social bar's
   * buttons, before the friend finder's button (else after the header, else at the end). */
  function makeButton() {
    const b = el(
      'span',
      { class: 'action-bar-button rpm-button', id: 'rpm-party-button', role: 'button', tabindex: '0', title: 'Party mode', 'aria-label': 'Party mode' },
      svgIcon(ICON_PARTY, 20),
      el('span', { class: 'rpm-badge' })
    );
    b.addEventListener('click', (event) => {
      event.stopPropagation();
      setOpen(ui.panel.hidden);
    });
    b.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        setOpen(ui.panel.hidden);
      }
    });
    return b;
  }

  function ensureButton() {
    const bar = document.querySelector('.lol-social-actions-bar .buttons');
    if (!bar) return;
    if (button && bar.contains(button)) return;
    if (!button) button = makeButton();
    const finder = bar.querySelector('.friend-finder-button');
    const finderButton = finder ? finder.closest('.action-bar-button') : null;
    const header = bar.querySelector('.friend-header');
    if (finderButton && finderButton.parentNode === bar) bar.insertBefore(button, finderButton);
    else if (header && header.nextSibling) bar.insertBefore(button, header.nextSibling);
    else bar.append(button);
    updateBadge();
  }

  /** Above the button, right edges aligned, growing upwards; it scrolls inside when long. */
  function placePanel() {
    const panel = ui.panel;
    const margin = 8;
    const rect = button && button.isConnected ? button.getBoundingClientRect() : null;
    const width = panel.offsetWidth;
    const right = rect ? window.innerWidth - rect.right : margin;
    panel.style.left = 'auto';
    panel.style.right = `${Math.max(margin, Math.min(right, window.innerWidth - width - margin))}px`;
    if (!rect || rect.top > window.innerHeight / 2) {
      const bottom = rect ? window.innerHeight - rect.top + margin : margin;
      panel.style.top = 'auto';
      panel.style.bottom = `${bottom}px`;
      panel.style.maxHeight = `${Math.max(120, window.innerHeight - bottom - margin)}px`;
    } else {
      const top = rect.bottom + margin;
      panel.style.bottom = 'auto';
      panel.style.top = `${top}px`;
      panel.style.maxHeight = `${Math.max(120, window.innerHeight - top - margin)}px`;
    }
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    if (open) {
      render();
      placePanel();
      actions.opened();
    }
    updateBadge();
  }

  // DOM watchers: the client rebuilds the social bar; put the button back, except in game.
  let observer = null;
  let scheduled = false;

  function startWatching() {
    if (observer) return;
    observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        if (observer) ensureButton(); // not if paused meanwhile
      }, 100);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    window.__rosePartyModeWatching = true;
    ensureButton();
  }

  function stopWatching() {
    if (!observer) return;
    observer.disconnect();
    observer = null;
    window.__rosePartyModeWatching = false;
  }

  return {
    build,
    render,
    tick,
    startWatching,
    stopWatching,
    watching: () => observer !== null,
    clearPaste: () => {
      if (ui.paste) ui.paste.value = '';
    },
  };
}
