/**
 * @name ROSE-PartyMode
 * @author webrtc-party
 * @description Party mode for Rose: invite friends with copy-paste tokens (no server) and see the skins they will show you in game.
 * @link https://github.com/Alban1911/Rose
 */
(function () {
  'use strict';

  if (window.__rosePartyModeLoaded) return;
  window.__rosePartyModeLoaded = true;

  const LOG_PREFIX = '[ROSE-PartyMode]';
  const options = Object.assign(
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

  // Rose's five party messages, and what Rose's bridge (or ours) sends back.
  const MSG = {
    getState: 'party-get-state',
    enable: 'party-enable',
    disable: 'party-disable',
    addPeer: 'party-add-peer',
    removePeer: 'party-remove-peer',
    state: 'party-state',
    enabled: 'party-enabled',
    disabled: 'party-disabled',
    peerAdded: 'party-peer-added',
    peerRemoved: 'party-peer-removed',
    phase: 'phase-change',
    error: 'party-error', // our bridge only: a request it could not read
  };

  const log = (...args) => console.log(LOG_PREFIX, ...args);
  const warn = (...args) => console.warn(LOG_PREFIX, ...args);

  function safeCall(fn, ...args) {
    try {
      fn(...args);
    } catch (err) {
      warn('listener failed', err);
    }
  }

  // ---------------------------------------------------------------- transport

  /** This launch's key and port of `webrtc-party serve`, or null (no serve running). */
  async function readBridgeKey() {
    try {
      const response = await fetch(`${options.keyUrl}?t=${Date.now()}`, { cache: 'no-store' });
      if (!response.ok) return null;
      const info = await response.json();
      const port = Number(info && info.port);
      if (!Number.isInteger(port) || port <= 0 || port > 65535 || typeof info.key !== 'string' || !info.key) return null;
      return { port, key: info.key };
    } catch (_) {
      return null;
    }
  }

  /** Same shape as ROSE-SkinMonitor's window.__roseBridge, over our own socket. */
  function createSocketBridge(first) {
    const listeners = new Map();
    const readyCallbacks = [];
    const statusCallbacks = [];
    let socket = null;
    let attempt = 0;
    let connecting = false;
    let next = first || null;
    const bridge = {
      own: true,
      port: null,
      key: null,
      ready: false,
      send(obj) {
        if (!socket || socket.readyState !== WebSocket.OPEN) return false;
        socket.send(JSON.stringify(obj));
        return true;
      },
      subscribe(type, cb) {
        if (!listeners.has(type)) listeners.set(type, new Set());
        listeners.get(type).add(cb);
      },
      unsubscribe(type, cb) {
        const set = listeners.get(type);
        if (set) set.delete(cb);
      },
      /** Called now if connected, and again after every reconnect. */
      onReady(cb) {
        readyCallbacks.push(cb);
        if (bridge.ready) safeCall(cb);
      },
      onStatus(cb) {
        statusCallbacks.push(cb);
      },
    };

    function setStatus(ready) {
      bridge.ready = ready;
      statusCallbacks.forEach((cb) => safeCall(cb, ready));
    }

    function dispatch(message) {
      const set = listeners.get(message.type);
      if (set) Array.from(set).forEach((cb) => safeCall(cb, message));
    }

    function retryLater() {
      const base = Math.min(options.retryMaxMs, options.retryMinMs * 2 ** attempt);
      attempt += 1;
      setTimeout(connect, base * (0.75 + Math.random() * 0.5));
    }

    /** The key file first (serve writes a new one per launch), then Rose's port discovery. */
    async function findTarget() {
      const given = next;
      next = null;
      const keyed = given || (await readBridgeKey());
      if (keyed) return keyed;
      const port = await discoverPort();
      return port === null ? null : { port, key: null };
    }

    async function connect() {
      if (connecting) return;
      connecting = true;
      let target = null;
      try {
        target = await findTarget();
      } catch (err) {
        warn('bridge discovery failed', err);
      }
      connecting = false;
      if (target === null) {
        retryLater();
        return;
      }
      const { port, key } = target;
      const query = key ? `?key=${encodeURIComponent(key)}` : '';
      const ws = new WebSocket(`ws://${options.host}:${port}/${query}`);
      socket = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        attempt = 0;
        bridge.port = port;
        bridge.key = key;
        if (!key) rememberPort(port);
        log(`connected to the bridge on port ${port}`);
        setStatus(true);
        readyCallbacks.forEach((cb) => safeCall(cb));
      };
      ws.onmessage = (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (_) {
          return;
        }
        if (message && typeof message.type === 'string') dispatch(message);
      };
      ws.onclose = () => {
        if (socket !== ws) return;
        socket = null;
        if (!opened && !key) forgetPort(port); // never opened: not a bridge after all
        if (bridge.ready) log('bridge connection lost; reconnecting');
        setStatus(false);
        retryLater();
      };
      ws.onerror = () => {
        /* onclose follows */
      };
    }

    connect();
    return bridge;
  }

  /** 'yes' when GET /bridge-port names this port; 'maybe' when something answered HTTP there
   * but the body could not be read (no CORS header): the WebSocket handshake decides; else 'no'. */
  async function probePort(port, timeoutMs) {
    const url = `http://${options.host}:${port}/bridge-port`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
      if (!response.ok) return 'no';
      const value = Number((await response.text()).trim());
      return value === port ? 'yes' : 'no';
    } catch (_) {
      if (controller.signal.aborted) return 'no';
      try {
        await fetch(url, { signal: controller.signal, cache: 'no-store', mode: 'no-cors' });
        return 'maybe';
      } catch (_) {
        return 'no';
      }
    } finally {
      clearTimeout(timer);
    }
  }

  function rememberPort(port) {
    try {
      localStorage.setItem('rose_bridge_port', String(port));
    } catch (_) {
      /* storage may be unavailable */
    }
  }

  function forgetPort(port) {
    try {
      if (localStorage.getItem('rose_bridge_port') === String(port)) localStorage.removeItem('rose_bridge_port');
    } catch (_) {
      /* storage may be unavailable */
    }
  }

  /** Rose's discovery: the remembered port, then the first, then all of them at once. */
  async function discoverPort() {
    let saved = NaN;
    try {
      saved = Number(localStorage.getItem('rose_bridge_port'));
    } catch (_) {
      /* storage may be unavailable */
    }
    let maybe = null;
    const tried = new Set();
    const check = async (port) => {
      tried.add(port);
      const answer = await probePort(port, options.probeTimeoutMs);
      if (answer === 'maybe' && maybe === null) maybe = port;
      return answer === 'yes';
    };
    if (Number.isInteger(saved) && saved > 0 && saved < 65536) {
      if ((await check(saved)) || maybe === saved) return saved;
    }
    if (!tried.has(options.firstPort) && (await check(options.firstPort))) return options.firstPort;
    const ports = [];
    for (let p = options.firstPort; p <= options.lastPort; p += 1) if (!tried.has(p)) ports.push(p);
    const found = await Promise.all(ports.map((p) => check(p).then((ok) => (ok ? p : null))));
    const port = found.find((p) => p !== null);
    if (port !== undefined) return port;
    return maybe;
  }

  /** ROSE-SkinMonitor publishes window.__roseBridge once it knows Rose's port: wait as
   * Rose's own plugins do (poll every 50 ms, up to sharedBridgeWaitMs). */
  function waitForSharedBridge(timeoutMs) {
    return new Promise((resolve) => {
      const started = Date.now();
      (function poll() {
        const shared = window.__roseBridge;
        if (shared && typeof shared.send === 'function' && typeof shared.subscribe === 'function') {
          resolve(shared);
        } else if (Date.now() - started >= timeoutMs) {
          resolve(null);
        } else {
          setTimeout(poll, 50);
        }
      })();
    });
  }

  // -------------------------------------------------------------------- model

  const model = {
    bridgeReady: false,
    enabled: false,
    pendingToggle: false,
    me: null,
    members: [],
    phase: '',
    invite: null, // {token, expiresAt}: ours, for the next friend
    inviteRequested: false,
    answer: null, // {token, expiresAt}: ours, to be sent back
    pasteNote: null, // {kind: 'error' | 'ok', text}
    pasteBusy: false,
    pasteQueued: null, // a paste waiting for party mode to come on
    lastResultAt: null,
    notice: null, // an error not tied to the paste box
    warnings: [],
    removing: new Map(), // member key -> timer
  };

  const str = (v, fallback = '') => (typeof v === 'string' ? v : v == null ? fallback : String(v));
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const nowSeconds = () => Date.now() / 1000;
  const isExpired = (pending) => pending !== null && pending.expiresAt !== null && pending.expiresAt <= nowSeconds();

  function tokenFrom(token, expiresAt) {
    return typeof token === 'string' && token ? { token, expiresAt: num(expiresAt) } : null;
  }

  function memberFrom(raw) {
    const status = str(raw.status, raw.connected ? 'direct' : raw.connection_state || 'connecting');
    const sel = raw.skin_selection && typeof raw.skin_selection === 'object' ? raw.skin_selection : {};
    const pick = (key) => (raw[key] !== undefined ? raw[key] : sel[key]);
    return {
      key: str(raw.puuid || raw.summoner_id),
      summonerId: num(raw.summoner_id),
      riotId: str(raw.riot_id || raw.summoner_name, 'Unknown player'),
      status,
      statusText: str(raw.status_text, status),
      via: raw.via == null ? null : str(raw.via),
      rttMs: num(raw.rtt_ms),
      championId: num(pick('champion_id')),
      championName: raw.champion_name == null ? null : str(raw.champion_name),
      skinId: num(pick('skin_id')),
      skinName: raw.skin_name == null ? null : str(raw.skin_name),
      chromaId: num(pick('chroma_id')),
      chromaName: raw.chroma_name == null ? null : str(raw.chroma_name),
      customMod: pick('custom_mod') == null ? null : str(pick('custom_mod')),
      skinInstalled: typeof raw.skin_installed === 'boolean' ? raw.skin_installed : null,
      injection: raw.injection == null ? null : str(raw.injection),
      injectionDetail: raw.injection_detail == null ? null : str(raw.injection_detail),
      inLobby: raw.in_lobby === true,
      onTeam: raw.on_team === true,
    };
  }

  /** The newest token of one kind from `pending` (our bridge before my_answer existed). */
  function newestPending(pending, kind) {
    if (!Array.isArray(pending)) return null;
    const found = pending.filter((p) => p && p.kind === kind).map((p) => tokenFrom(p.token, p.expires_at)).filter(Boolean);
    return found.length ? found[found.length - 1] : null;
  }

  /** Everything the panel shows comes from party-state; missing keys (Rose's own old
   * manager) fall back to what the older keys say. */
  function applyState(msg) {
    model.enabled = msg.enabled === true;
    model.pendingToggle = false;
    model.me = msg.me ? memberFrom(msg.me) : null;
    if (!model.me && msg.my_summoner_name) {
      model.me = memberFrom({ riot_id: msg.my_summoner_name, summoner_id: msg.my_summoner_id });
    }
    const rawMembers = Array.isArray(msg.members) ? msg.members : Array.isArray(msg.peers) ? msg.peers : [];
    model.members = rawMembers.filter((m) => m && typeof m === 'object' && !m.is_local).map(memberFrom);
    for (const [key, timer] of model.removing) {
      if (!model.members.some((m) => m.key === key)) {
        clearTimeout(timer);
        model.removing.delete(key);
      }
    }
    if (typeof msg.phase === 'string') setPhase(msg.phase);
    model.warnings = Array.isArray(msg.warnings) ? msg.warnings.filter((w) => typeof w === 'string' && w) : [];

    model.invite =
      'my_token' in msg ? tokenFrom(msg.my_token, msg.my_token_expires_at) : newestPending(msg.pending, 'invite');
    if (model.invite && model.invite.expiresAt === null) {
      const listed = newestPending(msg.pending, 'invite');
      if (listed && listed.token === model.invite.token) model.invite = listed;
    }
    const answer = 'my_answer' in msg ? tokenFrom(msg.my_answer, msg.my_answer_expires_at) : newestPending(msg.pending, 'answer');
    if (model.answer && (!answer || answer.token !== model.answer.token) && !isExpired(model.answer)) {
      // Our answer was used: the link is up, "send it back" is over.
      if (model.pasteNote && model.pasteNote.kind === 'ok') model.pasteNote = null;
    }
    model.answer = answer;
    if (msg.last_result && typeof msg.last_result === 'object') onLastResult(msg.last_result);
    if (!model.enabled) {
      model.invite = null;
      model.answer = null;
    }
  }

  function onLastResult(result) {
    const at = result.at === undefined ? null : result.at;
    if (at === model.lastResultAt) return;
    const quiet = model.lastResultAt === null && !model.pasteBusy && !model.awaitingResult;
    model.lastResultAt = at;
    if (quiet) return; // from before this panel connected
    model.pasteBusy = false;
    model.awaitingResult = false;
    if (result.ok === false || result.kind === 'error') {
      setPasteNote('error', errorText(result, 'That token could not be used.'));
      return;
    }
    if (ui.paste) ui.paste.value = '';
    if (result.kind === 'answer') setPasteNote('ok', 'Invite accepted. Now send your answer back.');
    else setPasteNote('ok', 'Answer accepted: connecting to your friend…');
  }

  // ---------------------------------------------------------------- DOM bits

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svgIcon(paths, size) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', String(size));
    svg.setAttribute('height', String(size));
    svg.setAttribute('aria-hidden', 'true');
    for (const d of paths) {
      const path = document.createElementNS(ns, 'path');
      path.setAttribute('d', d);
      svg.append(path);
    }
    return svg;
  }

  const ICON_PARTY = [
    'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm0 2c-3.3 0-6 1.8-6 4v2h12v-2c0-2.2-2.7-4-6-4z',
    'M16.5 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm1 2h-1.2c1.1.9 1.7 2.1 1.7 3.5V19h4v-2c0-2-2-4-4.5-4z',
  ];

  function injectStyle() {
    if (document.getElementById('rpm-style')) return;
    document.head.append(el('style', { id: 'rpm-style', text: STYLE }));
  }

  // No font files of our own: the client's fonts (its --font-display / --font-body), and
  // Rose's Beaufort where ROSE-SettingsPanel already declared it from Rose's /asset/ route.
  const DISPLAY_FONT = "var(--font-display),'Beaufort for LOL','LoL Display',Georgia,serif";
  const BODY_FONT = "var(--font-body),'LoL Body',Arial,sans-serif";

  const STYLE = `
.rpm-button{display:inline-flex;align-items:center;justify-content:center;position:relative;
  width:28px;height:28px;cursor:pointer;color:#a09b8c;border-radius:2px;fill:currentColor}
.rpm-button:hover,.rpm-button.rpm-open{color:#f0e6d2}
.rpm-button .rpm-badge{position:absolute;right:-2px;bottom:-2px;min-width:12px;height:12px;padding:0 2px;
  border-radius:6px;background:#0ac8b9;color:#010a13;font:700 9px/12px Arial,sans-serif;text-align:center}
.rpm-button .rpm-badge:empty{display:none}
.rpm-panel{position:fixed;z-index:10000;width:360px;max-height:calc(100vh - 16px);overflow-y:auto;
  box-sizing:border-box;padding:14px 16px 16px;background:linear-gradient(180deg,#0a1428 0%,#010a13 100%);
  border:1px solid #785a28;box-shadow:0 0 0 1px #010a13,0 8px 24px rgba(0,0,0,.7);color:#a09b8c;
  font:13px/1.4 ${BODY_FONT};scrollbar-width:thin;
  scrollbar-color:#785a28 transparent}
.rpm-panel[hidden],.rpm-panel [hidden]{display:none !important}
.rpm-panel *{box-sizing:border-box}
.rpm-head{display:flex;align-items:center;gap:10px;padding-bottom:10px;border-bottom:1px solid #463714}
.rpm-title{flex:1;margin:0;color:#f0e6d2;letter-spacing:.08em;text-transform:uppercase;
  font:700 16px/1.2 ${DISPLAY_FONT}}
.rpm-link{font-size:11px;color:#5b5a56}
.rpm-link[data-state=connected]{color:#0ac8b9}
.rpm-close{background:none;border:0;color:#a09b8c;font-size:18px;line-height:1;cursor:pointer;padding:0 2px}
.rpm-close:hover{color:#f0e6d2}
.rpm-section{padding:12px 0 4px;border-bottom:1px solid #1e2328}
.rpm-section:last-child{border-bottom:0}
.rpm-h-row{display:flex;align-items:center;justify-content:space-between;gap:8px;margin-bottom:8px}
.rpm-h-row .rpm-h{margin:0}
.rpm-h{margin:0 0 8px;color:#c8aa6e;font:700 12px/1.2 ${DISPLAY_FONT};
  letter-spacing:.1em;text-transform:uppercase}
.rpm-row{display:flex;align-items:center;gap:8px;margin-bottom:8px}
.rpm-grow{flex:1}
.rpm-btn{min-height:26px;padding:3px 12px;cursor:pointer;color:#cdbe91;background:#1e2328;
  border:1px solid #c8aa6e;border-image:linear-gradient(180deg,#c8aa6e,#785a28) 1;
  font:700 11px/1.2 ${DISPLAY_FONT};letter-spacing:.08em;
  text-transform:uppercase;white-space:nowrap}
.rpm-btn:hover{color:#f0e6d2;background:linear-gradient(180deg,#1e2328,#2a2e33)}
.rpm-btn:disabled{cursor:default;color:#5b5a56;border-image:none;border-color:#3c3c41;background:#1e2328}
.rpm-btn.rpm-primary{color:#a3f0f6;border-image:linear-gradient(180deg,#0ac8b9,#005a82) 1}
.rpm-token{width:100%;height:72px;resize:none;padding:6px 8px;color:#f0e6d2;background:#010a13;
  border:1px solid #3c3c41;font:12px/1.35 Consolas,'Courier New',monospace;word-break:break-all}
.rpm-token:focus{outline:none;border-color:#785a28}
textarea.rpm-paste{height:58px;color:#f0e6d2}
.rpm-qr{display:block;flex:none;width:112px;height:112px;padding:5px;background:#f0e6d2;border:1px solid #785a28}
.rpm-token-wrap{display:flex;gap:10px;align-items:flex-start}
.rpm-token-side{flex:1;min-width:0;display:flex;flex-direction:column;gap:6px}
.rpm-muted{color:#5b5a56;font-size:12px}
.rpm-hint{color:#c8aa6e;font-size:12px;margin:0 0 6px}
.rpm-countdown{font-size:12px;color:#a09b8c}
.rpm-countdown.rpm-soon{color:#e0a23b}
.rpm-note{margin:4px 0 8px;padding:6px 8px;font-size:12px;border-left:2px solid #0ac8b9;background:rgba(10,200,185,.07);color:#a3f0f6}
.rpm-note.rpm-error{border-left-color:#e84057;background:rgba(232,64,87,.08);color:#ff8a98}
.rpm-switch{position:relative;width:34px;height:18px;border-radius:9px;border:1px solid #785a28;background:#1e2328;cursor:pointer;padding:0}
.rpm-switch::after{content:'';position:absolute;top:2px;left:2px;width:12px;height:12px;border-radius:50%;background:#5b5a56;transition:left .15s}
.rpm-switch[aria-checked=true]{background:#0a323c;border-color:#0ac8b9}
.rpm-switch[aria-checked=true]::after{left:18px;background:#0ac8b9}
.rpm-switch:disabled{opacity:.5;cursor:default}
.rpm-members{list-style:none;margin:0;padding:0}
.rpm-member{display:flex;gap:10px;align-items:center;padding:8px 0;border-top:1px solid #1e2328}
.rpm-member:first-child{border-top:0}
.rpm-preview{flex:none;width:56px;height:56px;border:1px solid #463714;background:#1e2328 center/cover no-repeat;
  display:flex;align-items:center;justify-content:center;color:#785a28;overflow:hidden;
  font:700 18px ${DISPLAY_FONT}}
.rpm-preview img{width:100%;height:100%;object-fit:cover}
.rpm-member-main{flex:1;min-width:0}
.rpm-name{color:#f0e6d2;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.rpm-status{display:inline-flex;align-items:center;gap:5px;font-size:11px}
.rpm-status::before{content:'';width:7px;height:7px;border-radius:50%;background:currentColor}
.rpm-status[data-status=direct]{color:#0ac8b9}
.rpm-status[data-status=relayed]{color:#3fa7e0}
.rpm-status[data-status=connecting]{color:#e0a23b}
.rpm-status[data-status=lost]{color:#e84057}
.rpm-skin{font-size:12px;color:#a09b8c;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.rpm-warn{font-size:11px;color:#e0a23b}
.rpm-warnings{list-style:none;border-left-color:#e0a23b;background:rgba(224,162,59,.08);color:#f0c27b}
.rpm-remove{flex:none;width:24px;height:24px;padding:0;background:none;border:1px solid #3c3c41;color:#a09b8c;cursor:pointer;font-size:14px;line-height:1}
.rpm-remove:hover{border-color:#e84057;color:#e84057}
.rpm-remove:disabled{opacity:.4;cursor:default}
.rpm-foot{padding-top:8px;font-size:11px;color:#5b5a56}
`;

  // -------------------------------------------------------------------- panel

  let bridge = null;
  const ui = {};

  /** False when not connected (the header says so; nothing is queued). */
  function send(obj) {
    if (!bridge || !model.bridgeReady) return false;
    // The shared bridge's send() returns nothing; ours returns false when the socket is closed.
    return bridge.send(obj) !== false;
  }

  function copyText(text, button) {
    const done = (ok) => {
      const label = button.textContent;
      button.textContent = ok ? 'Copied' : 'Select and copy';
      setTimeout(() => {
        button.textContent = label;
      }, 1500);
    };
    const fallback = () => {
      const area = el('textarea', { class: 'rpm-offscreen', readonly: true });
      area.value = text;
      area.style.position = 'fixed';
      area.style.left = '-9999px';
      document.body.append(area);
      area.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (_) {
        ok = false;
      }
      area.remove();
      done(ok);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(() => done(true), fallback);
    } else {
      fallback();
    }
  }

  /** Our own bridge draws QR codes (Rose's has no such route: no QR there, no 404). The
   * request carries this launch's key, so it is fetched, then shown from memory. */
  function qrUrl(token) {
    if (!bridge || !bridge.own || !bridge.key || !bridge.port) return null;
    const query = `token=${encodeURIComponent(token)}&key=${encodeURIComponent(bridge.key)}`;
    return `http://${options.host}:${bridge.port}/party/qr.svg?${query}`;
  }

  async function loadQr(img, token) {
    const url = qrUrl(token);
    img.hidden = true;
    if (!url) return;
    try {
      const response = await fetch(url, { cache: 'no-store' });
      if (!response.ok) return;
      const blob = await response.blob();
      if (img.dataset.token !== token) return; // replaced meanwhile
      if (img.dataset.blob) URL.revokeObjectURL(img.dataset.blob);
      const shown = URL.createObjectURL(blob);
      img.dataset.blob = shown;
      img.src = shown;
      img.hidden = false;
    } catch (_) {
      /* no QR: the token box is enough */
    }
  }

  /** A token box: read-only text, Copy, QR from the bridge, countdown. */
  function tokenBlock(kind) {
    const area = el('textarea', { class: 'rpm-token', readonly: true, spellcheck: 'false', 'data-role': `${kind}-token` });
    area.addEventListener('focus', () => area.select());
    const copy = el('button', { class: 'rpm-btn', type: 'button', 'data-role': `${kind}-copy`, text: 'Copy' });
    copy.addEventListener('click', () => copyText(area.value, copy));
    const qr = el('img', { class: 'rpm-qr', alt: 'QR code of the token', 'data-role': `${kind}-qr`, hidden: true });
    qr.addEventListener('error', () => {
      qr.hidden = true;
    });
    const countdown = el('span', { class: 'rpm-countdown', 'data-role': `${kind}-countdown` });
    const root = el(
      'div',
      { class: 'rpm-token-wrap' },
      qr,
      el('div', { class: 'rpm-token-side' }, area, el('div', { class: 'rpm-row' }, copy, countdown))
    );
    return { root, area, qr, countdown, token: null };
  }

  function setToken(block, pending) {
    const token = pending ? pending.token : null;
    if (block.token === token) return;
    block.token = token;
    block.area.value = token || '';
    block.qr.dataset.token = token || '';
    if (!token) {
      block.qr.removeAttribute('src');
      block.qr.hidden = true;
      return;
    }
    loadQr(block.qr, token);
  }

  function formatLeft(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  function updateCountdown(block, pending) {
    if (!pending || pending.expiresAt === null) {
      block.countdown.textContent = '';
      return;
    }
    const left = pending.expiresAt - nowSeconds();
    block.countdown.textContent = left > 0 ? `expires in ${formatLeft(left)}` : 'expired';
    block.countdown.classList.toggle('rpm-soon', left < 60);
  }

  function buildPanel() {
    const toggle = el('button', {
      class: 'rpm-switch',
      type: 'button',
      role: 'switch',
      'aria-checked': 'false',
      'aria-label': 'Party mode',
      'data-role': 'toggle',
      title: 'Party mode on/off',
    });
    toggle.addEventListener('click', () => {
      if (model.pendingToggle) return;
      if (send({ type: model.enabled ? MSG.disable : MSG.enable })) {
        model.pendingToggle = true;
        render();
      }
    });
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
    inviteButton.addEventListener('click', () => {
      // Rose's one message for it: party-enable (while on, a fresh invite for the next friend).
      if (send({ type: MSG.enable })) {
        model.inviteRequested = true;
        render();
      }
    });
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
      if (!text.trim()) return;
      // Sent as pasted: the Python side finds the token in chat text. Rose refuses a token
      // while party mode is off, so the panel turns it on first.
      const sent = model.enabled ? send({ type: MSG.addPeer, token: text }) : send({ type: MSG.enable });
      if (sent) {
        model.pasteQueued = model.enabled ? null : text;
        model.pasteBusy = true;
        model.awaitingResult = false;
        model.pasteNote = null;
        render();
      }
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
    const membersSection = el(
      'div',
      { class: 'rpm-section', 'data-role': 'members-section' },
      membersTitle,
      empty,
      members
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
      membersSection, membersTitle,
    });
    document.body.append(panel);
  }

  function skinLine(m) {
    if (m.championName === null && m.championId === null) return 'No champion yet';
    const champion = m.championName || `Champion ${m.championId}`;
    const parts = [champion];
    if (m.customMod) parts.push(m.customMod);
    else if (m.skinName) parts.push(m.skinName);
    if (m.chromaName) parts.push(m.chromaName);
    return parts.join(' · ');
  }

  /** Only the League client's own asset paths, built from numbers: nothing a peer typed. */
  function previewUrl(m) {
    if (m.championId === null || m.skinId === null) return null;
    return `/lol-game-data/assets/v1/champion-tiles/${m.championId}/${m.skinId}.jpg`;
  }

  const brokenPreviews = new Set();

  function preview(m) {
    const box = el('div', { class: 'rpm-preview', 'data-role': 'preview' });
    const initial = (m.championName || m.riotId || '?').trim().charAt(0).toUpperCase();
    const url = previewUrl(m);
    if (!url || brokenPreviews.has(url)) {
      box.textContent = initial;
      return box;
    }
    const img = el('img', { alt: '', src: url, 'data-role': 'preview-img' });
    img.addEventListener('error', () => {
      brokenPreviews.add(url);
      img.remove();
      box.textContent = initial;
    });
    box.append(img);
    return box;
  }

  function statusLabel(m) {
    if (m.status === 'relayed') return m.via ? `via ${m.via}` : m.statusText || 'relayed';
    if (m.status === 'direct' && m.rttMs !== null) return `direct · ${Math.round(m.rttMs)} ms`;
    return m.statusText || m.status;
  }

  function memberRow(m) {
    const remove = el('button', {
      class: 'rpm-remove',
      type: 'button',
      title: `Remove ${m.riotId} from the party`,
      'aria-label': `Remove ${m.riotId}`,
      'data-role': 'remove',
      disabled: model.removing.has(m.key) || !Number.isSafeInteger(m.summonerId) || m.summonerId <= 0,
      text: '×',
    });
    remove.addEventListener('click', () => {
      // Rose's field: summoner_id (the League client itself keeps these as JS numbers).
      if (!send({ type: MSG.removePeer, summoner_id: m.summonerId })) return;
      const timer = setTimeout(() => {
        // Rose answers only when it worked: no answer, no change.
        model.removing.delete(m.key);
        if (model.members.some((x) => x.key === m.key)) model.notice = `${m.riotId} could not be removed.`;
        render();
      }, options.removeTimeoutMs);
      model.removing.set(m.key, timer);
      render();
    });
    const missing = m.skinInstalled === false || m.injection === 'missing-locally';
    const warning = missing
      ? el('div', { class: 'rpm-warn', 'data-role': 'skin-missing', text: 'Skin missing locally: they will look default to you' })
      : null;
    const quiet = new Set(['injected', 'missing-locally']);
    const injection =
      m.injection && !quiet.has(m.injection)
        ? el('div', { class: 'rpm-warn', 'data-role': 'injection', 'data-injection': m.injection, text: m.injectionDetail || m.injection })
        : null;
    return el(
      'li',
      { class: 'rpm-member', 'data-member': m.key, 'data-status': m.status },
      preview(m),
      el(
        'div',
        { class: 'rpm-member-main' },
        el('div', { class: 'rpm-name', 'data-role': 'riot-id', text: m.riotId }),
        el('span', { class: 'rpm-status', 'data-status': m.status, 'data-role': 'status', text: statusLabel(m) }),
        el('div', { class: 'rpm-skin', 'data-role': 'skin', text: skinLine(m) }),
        warning,
        injection
      ),
      remove
    );
  }

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

  function render() {
    if (!ui.panel) return;
    const connected = model.bridgeReady;
    ui.link.textContent = connected ? 'connected' : 'no bridge, retrying…';
    ui.link.dataset.state = connected ? 'connected' : 'disconnected';
    ui.panel.dataset.bridge = connected ? 'connected' : 'disconnected';
    ui.panel.dataset.enabled = String(model.enabled);
    ui.toggle.setAttribute('aria-checked', String(model.enabled));
    ui.toggle.disabled = !connected || model.pendingToggle;

    ui.notice.hidden = !model.notice;
    ui.notice.textContent = model.notice || '';
    ui.warnings.replaceChildren(...model.warnings.map((w) => el('li', { text: w })));
    ui.warnings.hidden = model.warnings.length === 0;

    // Off, the invite and paste boxes stay: using them turns party mode on.
    ui.off.hidden = connected && model.enabled;
    ui.off.textContent = connected
      ? 'Party mode is off. Make an invite or paste a friend\'s token to turn it on.'
      : 'Waiting for the party bridge (webrtc-party or Rose) on this computer…';
    ui.inviteSection.hidden = !connected;
    ui.pasteSection.hidden = !connected;

    // Invite
    const invite = model.invite;
    const expired = isExpired(invite);
    ui.inviteBlock.root.hidden = !invite || expired;
    ui.inviteHint.hidden = !invite || expired;
    ui.inviteExpired.hidden = !expired;
    setToken(ui.inviteBlock, invite);
    updateCountdown(ui.inviteBlock, invite);
    ui.inviteButton.textContent = expired ? 'Make a new invite' : invite ? 'New invite' : 'Create invite';
    ui.inviteButton.disabled = model.inviteRequested;

    // Paste
    ui.useButton.disabled = model.pasteBusy;
    ui.pasteNote.hidden = !model.pasteNote;
    if (model.pasteNote) {
      ui.pasteNote.textContent = model.pasteNote.text;
      ui.pasteNote.classList.toggle('rpm-error', model.pasteNote.kind === 'error');
      ui.pasteNote.dataset.kind = model.pasteNote.kind;
    }
    const answer = model.answer;
    ui.answerWrap.hidden = !answer || isExpired(answer);
    setToken(ui.answerBlock, answer);
    updateCountdown(ui.answerBlock, answer);

    // Members
    ui.members.replaceChildren(...model.members.map(memberRow));
    ui.empty.hidden = model.members.length > 0 || !connected || !model.enabled;
    ui.membersSection.hidden = !connected || (!model.enabled && model.members.length === 0);
    ui.membersTitle.textContent = model.members.length ? `Friends (${model.members.length})` : 'Friends';
    if (!ui.panel.hidden) placePanel();
    const where = PHASE_WORDS[model.phase];
    ui.foot.textContent = model.me ? `You: ${model.me.riotId}${where ? ` · ${where}` : ''}` : '';
    updateBadge();
  }

  function tick() {
    if (!ui.panel || ui.panel.hidden) return;
    const inviteWasLive = ui.inviteExpired.hidden;
    updateCountdown(ui.inviteBlock, model.invite);
    updateCountdown(ui.answerBlock, model.answer);
    if ((inviteWasLive && isExpired(model.invite)) || (!ui.answerWrap.hidden && isExpired(model.answer))) render();
  }

  // ---------------------------------------------------------- social bar button

  let button = null;

  function updateBadge() {
    if (!button) return;
    const live = model.members.filter((m) => m.status === 'direct' || m.status === 'relayed').length;
    button.querySelector('.rpm-badge').textContent = model.enabled && live ? String(live) : '';
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
      send({ type: MSG.getState });
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

  function setPhase(phase) {
    if (phase === model.phase) return;
    model.phase = phase;
    if (phase === 'InProgress') {
      stopWatching();
      log('game in progress: DOM watchers paused');
    } else if (!observer) {
      startWatching();
    }
  }

  // ----------------------------------------------------------------- messages

  function onMessage(message) {
    switch (message.type) {
      case MSG.state:
        applyState(message);
        break;
      case MSG.enabled:
        onEnabled(message);
        break;
      case MSG.disabled:
        model.pendingToggle = false;
        if (message.success === false) {
          model.notice = errorText(message, 'Party mode could not stop.');
          break;
        }
        model.enabled = false;
        model.invite = null;
        model.answer = null;
        model.pasteNote = null;
        break;
      case MSG.peerAdded:
        onPeerAdded(message);
        break;
      case MSG.peerRemoved:
        onPeerRemoved(message);
        break;
      case MSG.phase:
        if (typeof message.phase === 'string') setPhase(message.phase);
        break;
      case MSG.error:
        onError(message);
        break;
      default:
        return;
    }
    render();
  }

  function onEnabled(message) {
    model.pendingToggle = false;
    model.inviteRequested = false;
    const queued = model.pasteQueued;
    model.pasteQueued = null;
    if (message.success === false) {
      const text = errorText(message, 'Party mode could not start.');
      if (queued !== null) {
        model.pasteBusy = false;
        setPasteNote('error', text);
      } else {
        model.notice = text;
      }
      return;
    }
    model.enabled = true;
    model.notice = null;
    // Rose's one-button flow: enabling gives our invite; its expiry comes with party-state.
    const token = typeof message.token === 'string' && message.token ? message.token : null;
    if (token && (!model.invite || model.invite.token !== token)) {
      model.invite = { token, expiresAt: num(message.expires_at) };
    }
    if (queued !== null && !send({ type: MSG.addPeer, token: queued })) {
      model.pasteBusy = false;
      setPasteNote('error', 'The bridge went away: paste the token again.');
    }
  }

  function onPeerAdded(message) {
    if (message.success === false) {
      model.pasteBusy = false;
      model.awaitingResult = false;
      setPasteNote('error', errorText(message, 'That token could not be used.'));
      return;
    }
    if (message.kind === 'answer' || message.kind === 'completed') {
      // Our own bridge says which at once; Rose's says it in party-state.last_result.
      model.pasteBusy = false;
      if (ui.paste) ui.paste.value = '';
      if (message.kind === 'answer') {
        const answer = tokenFrom(message.answer, message.expires_at);
        if (answer) model.answer = answer;
        setPasteNote('ok', 'Invite accepted. Now send your answer back.');
      } else {
        setPasteNote('ok', 'Answer accepted: connecting to your friend…');
      }
      return;
    }
    if (model.pasteBusy) {
      model.awaitingResult = true; // the state that follows tells answer or completed
      model.pasteBusy = false;
      if (ui.paste) ui.paste.value = '';
      setPasteNote('ok', 'Token accepted.');
    }
  }

  function onPeerRemoved(message) {
    const sid = num(message.summoner_id !== undefined ? Number(message.summoner_id) : null);
    for (const [key, timer] of model.removing) {
      const member = model.members.find((m) => m.key === key);
      if (sid === null || !member || member.summonerId === sid) {
        clearTimeout(timer);
        model.removing.delete(key);
      }
    }
    model.notice = message.success === false ? errorText(message, 'That member could not be removed.') : null;
  }

  function errorText(message, fallback) {
    return typeof message.error === 'string' && message.error.trim() ? message.error : fallback;
  }

  function onError(message) {
    const text = errorText(message, 'Something went wrong.');
    const asked = message.request_type;
    if (asked === MSG.addPeer || (asked === MSG.enable && model.pasteQueued !== null)) {
      model.pasteBusy = false;
      model.pasteQueued = null;
      setPasteNote('error', text);
      return;
    }
    if (asked === MSG.enable) model.inviteRequested = false;
    if (asked === MSG.enable || asked === MSG.disable) model.pendingToggle = false;
    if (asked == null) {
      // Not tied to a request we know: unblock everything.
      model.inviteRequested = false;
      model.pasteBusy = false;
      model.pendingToggle = false;
    }
    model.notice = text;
  }

  let noteTimer = null;

  /** A success note goes away by itself; an error stays until the next try. */
  function setPasteNote(kind, text) {
    model.pasteNote = { kind, text };
    clearTimeout(noteTimer);
    if (kind === 'ok') {
      noteTimer = setTimeout(() => {
        if (model.pasteNote && model.pasteNote.kind === 'ok') {
          model.pasteNote = null;
          render();
        }
      }, 15000);
    }
  }

  // --------------------------------------------------------------------- start

  /** `webrtc-party serve` running (its key file says where): our own socket at once.
   * Otherwise Rose's shared bridge, waited for as Rose's plugins wait; otherwise our own
   * socket with Rose's port discovery, retried until a bridge appears. */
  async function pickBridge() {
    const keyed = await readBridgeKey();
    if (keyed) return createSocketBridge(keyed);
    const shared = await waitForSharedBridge(options.sharedBridgeWaitMs);
    if (shared) return shared;
    return createSocketBridge(null);
  }

  async function start() {
    injectStyle();
    buildPanel();
    startWatching();
    setInterval(tick, 1000);
    render();

    bridge = await pickBridge();
    log(bridge.own ? 'using its own bridge connection' : 'using the shared Rose bridge');
    for (const type of Object.values(MSG)) bridge.subscribe(type, onMessage);
    const onConnected = () => {
      model.bridgeReady = true;
      model.pasteBusy = false;
      model.pasteQueued = null;
      model.inviteRequested = false;
      render();
      bridge.send({ type: MSG.getState });
    };
    if (typeof bridge.onStatus === 'function') {
      bridge.onStatus((ready) => {
        model.bridgeReady = ready;
        render();
      });
    } else {
      // ROSE-SkinMonitor's bridge has a `ready` getter and no status callback.
      setInterval(() => {
        const ready = bridge.ready !== false;
        if (ready !== model.bridgeReady) {
          model.bridgeReady = ready;
          render();
        }
      }, 1000);
    }
    if (typeof bridge.onReady === 'function') bridge.onReady(onConnected);
    else onConnected();
  }

  function boot() {
    start().catch((err) => warn('failed to start', err));
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
  else boot();
})();
