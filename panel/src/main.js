// The shell: finds a bridge (transport.js), feeds every message and user action through the
// pure step (reducer.js), carries out its effects, and renders (view.js).

import { MSG, INCOMING } from './messages.js';
import { PANEL, initialState, step } from './reducer.js';
import { createTransport } from './transport.js';
import { createView, injectStyle } from './view.js';

const LOG_PREFIX = '[ROSE-PartyMode]';
const NOTE_MS = 15000; // a success note under the paste box goes away after this

const log = (...args) => console.log(LOG_PREFIX, ...args);
const warn = (...args) => console.warn(LOG_PREFIX, ...args);
const nowSeconds = () => Date.now() / 1000;

function readOptions() {
  return Object.assign(
    {
      host: '127.0.0.1',
      firstPort: 50000,
      lastPort: 50010,
      // Written by `webrtc-party serve --plugin-dir` into this plugin's folder; Pengu Loader
      // serves the folder to the League client's page only (docs/bridge.md, Security).
      keyUrl: 'https://plugins/ROSE-PartyMode/bridge-key.json',
      sharedBridgeWaitMs: 10000, // as Rose's plugins wait for window.__roseBridge
      probeTimeoutMs: 1500,
      retryMinMs: 500,
      retryMaxMs: 10000,
      removeTimeoutMs: 10000, // Rose answers a removal only when it worked
    },
    window.__rosePartyModeOptions || {}
  );
}

function createPanel(options) {
  const transport = createTransport(options, { log, warn });
  let bridge = null;
  let state = initialState();

  /** False when not connected (the header says so; nothing is queued). */
  function send(obj) {
    if (!bridge || !state.bridgeReady) return false;
    // The shared bridge's send() returns nothing; ours returns false when the socket is closed.
    return bridge.send(obj) !== false;
  }

  /** Our own bridge draws QR codes (Rose's has no such route: no QR there, no 404). The
   * request carries this launch's key, so it is fetched, then shown from memory. */
  function qrUrl(token) {
    if (!bridge || !bridge.own || !bridge.key || !bridge.port) return null;
    const query = `token=${encodeURIComponent(token)}&key=${encodeURIComponent(bridge.key)}`;
    return `http://${options.host}:${bridge.port}/party/qr.svg?${query}`;
  }

  const actions = {
    toggle() {
      if (state.pendingToggle) return;
      if (send({ type: state.enabled ? MSG.disable : MSG.enable })) dispatch({ type: PANEL.toggleSent });
    },
    invite() {
      // Rose's one message for it: party-enable (while on, a fresh invite for the next friend).
      if (send({ type: MSG.enable })) dispatch({ type: PANEL.inviteSent });
    },
    paste(text) {
      // Sent as pasted: the Python side finds the token in chat text. Rose refuses a token
      // while party mode is off, so the panel turns it on first.
      const sent = state.enabled ? send({ type: MSG.addPeer, token: text }) : send({ type: MSG.enable });
      if (sent) dispatch({ type: PANEL.pasteSent, text });
    },
    remove(member) {
      // Rose's field: summoner_id (the League client itself keeps these as JS numbers).
      if (send({ type: MSG.removePeer, summoner_id: member.summonerId })) {
        dispatch({ type: PANEL.removeSent, key: member.key, riotId: member.riotId });
      }
    },
    opened() {
      send({ type: MSG.getState });
    },
    chatToggle() {
      const chat = state.leagueChat;
      if (!chat || state.chatPending) return;
      if (chat.enabled) {
        if (send({ type: MSG.setLeagueChat, enabled: false })) dispatch({ type: PANEL.chatSent });
      } else if (!chat.explained) {
        dispatch({ type: PANEL.chatAsk }); // what friends will see, once
      } else if (send({ type: MSG.setLeagueChat, enabled: true })) {
        dispatch({ type: PANEL.chatSent });
      }
    },
    chatConfirm() {
      if (send({ type: MSG.setLeagueChat, enabled: true, explained: true })) dispatch({ type: PANEL.chatSent });
    },
    chatCancel() {
      dispatch({ type: PANEL.chatCancel });
    },
    forget(puuid) {
      const message = puuid === null ? { type: MSG.forgetFriend, all: true } : { type: MSG.forgetFriend, puuid };
      if (send(message)) dispatch({ type: PANEL.forgetSent, puuid });
    },
  };

  const view = createView({ qrUrl, actions, now: nowSeconds });

  function run(effect) {
    switch (effect.do) {
      case 'send':
        if (!send(effect.message)) dispatch(effect.failed);
        break;
      case 'clear-paste':
        view.clearPaste();
        break;
      case 'note-timer':
        setTimeout(() => dispatch({ type: PANEL.noteTimeout, serial: effect.serial }), NOTE_MS);
        break;
      case 'remove-timer': {
        const { key, serial, riotId } = effect;
        setTimeout(() => dispatch({ type: PANEL.removeTimeout, key, serial, riotId }), options.removeTimeoutMs);
        break;
      }
      case 'phase':
        if (effect.phase === 'InProgress') {
          view.stopWatching();
          log('game in progress: DOM watchers paused');
        } else if (!view.watching()) {
          view.startWatching();
        }
        break;
      default:
        warn('unknown effect', effect);
    }
  }

  /** One event through the reducer; render when it was a bridge message or changed something. */
  function dispatch(event) {
    const before = state;
    const result = step(state, event, nowSeconds());
    state = result.state;
    result.effects.forEach(run);
    if (INCOMING.includes(event.type) || state !== before) view.render(state);
  }

  async function start() {
    injectStyle();
    view.build();
    view.startWatching();
    setInterval(view.tick, 1000);
    view.render(state);

    bridge = await transport.pickBridge();
    log(bridge.own ? 'using its own bridge connection' : 'using the shared Rose bridge');
    for (const type of Object.values(MSG)) bridge.subscribe(type, dispatch);
    const onConnected = () => {
      dispatch({ type: PANEL.connected });
      bridge.send({ type: MSG.getState });
    };
    if (typeof bridge.onStatus === 'function') {
      bridge.onStatus((ready) => dispatch({ type: PANEL.status, ready }));
    } else {
      // ROSE-SkinMonitor's bridge has a `ready` getter and no status callback.
      setInterval(() => dispatch({ type: PANEL.status, ready: bridge.ready !== false }), 1000);
    }
    if (typeof bridge.onReady === 'function') bridge.onReady(onConnected);
    else onConnected();
  }

  return { start };
}

function boot(options) {
  createPanel(options)
    .start()
    .catch((err) => warn('failed to start', err));
}

if (!window.__rosePartyModeLoaded) {
  window.__rosePartyModeLoaded = true;
  const options = readOptions();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => boot(options), { once: true });
  else boot(options);
}
