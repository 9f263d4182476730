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
      sharedBridgeWaitMs: 3000, // how long to wait for window.__roseBridge (ROSE-SkinMonitor)
      probeTimeoutMs: 1500,
      retryMinMs: 500,
      retryMaxMs: 10000,
    },
    window.__rosePartyModeOptions || {}
  );

  // Message names: docs/bridge.md (bridge version 1). Rose's own names are kept where they fit.
  const MSG = {
    getState: 'party-get-state',
    enable: 'party-enable',
    disable: 'party-disable',
    createInvite: 'party-create-invite',
    pasteToken: 'party-paste-token',
    removePeer: 'party-remove-peer',
    state: 'party-state',
    enabled: 'party-enabled',
    disabled: 'party-disabled',
    invite: 'party-invite',
    tokenResult: 'party-token-result',
    peerAdded: 'party-peer-added', // Rose's name for the token result
    peerRemoved: 'party-peer-removed',
    phase: 'phase-change',
    error: 'party-error',
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

  /** Same shape as ROSE-SkinMonitor's window.__roseBridge, over our own socket. */
  function createSocketBridge() {
    const listeners = new Map();
    const readyCallbacks = [];
    const statusCallbacks = [];
    let socket = null;
    let attempt = 0;
    let connecting = false;
    const bridge = {
      port: null,
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

    async function connect() {
      if (connecting) return;
      connecting = true;
      let port = null;
      try {
        port = await discoverPort();
      } catch (err) {
        warn('port discovery failed', err);
      }
      connecting = false;
      if (port === null) {
        retryLater();
        return;
      }
      const ws = new WebSocket(`ws://${options.host}:${port}/`);
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        bridge.port = port;
        try {
          localStorage.setItem('rose_bridge_port', String(port));
        } catch (_) {
          /* storage may be unavailable */
        }
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
        if (bridge.port !== port) forgetPort(port); // never opened: not a bridge after all
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

  /**
   * 'yes' when GET /bridge-port names this port; 'maybe' when something answered HTTP there but
   * the body could not be read (no CORS header): the WebSocket handshake then decides; else 'no'.
   */
  async function probePort(port, timeoutMs) {
    const url = `http://${options.host}:${port}/bridge-port`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
      if (!response.ok) return 'no';
      const text = (await response.text()).trim();
      let value = Number(text);
      if (!Number.isInteger(value)) {
        try {
          value = Number(JSON.parse(text).port);
        } catch (_) {
          return 'no';
        }
      }
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
      // The port we last connected to: if it answers at all, the WebSocket handshake decides.
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
    invite: null, // {token, expiresAt}
    inviteRequested: false,
    answer: null, // {token, expiresAt}: ours, to be sent back
    pasteNote: null, // {kind: 'error' | 'ok', text}
    pasteBusy: false,
    notice: null, // an error not tied to the paste box
    removing: new Set(),
    bridgePort: null,
  };

  const str = (v, fallback = '') => (typeof v === 'string' ? v : v == null ? fallback : String(v));
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const nowSeconds = () => Date.now() / 1000;
  const isExpired = (pending) => pending !== null && pending.expiresAt !== null && pending.expiresAt <= nowSeconds();

  function pendingFrom(raw) {
    if (!raw || typeof raw.token !== 'string' || !raw.token) return null;
    return { token: raw.token, expiresAt: num(raw.expires_at) };
  }

  function memberFrom(raw) {
    const status = str(raw.status, raw.connected ? 'direct' : 'connecting');
    return {
      key: str(raw.puuid || raw.summoner_id),
      puuid: str(raw.puuid),
      summonerId: raw.summoner_id == null ? '' : String(raw.summoner_id),
      riotId: str(raw.riot_id || raw.summoner_name, 'Unknown player'),
      status,
      statusText: str(raw.status_text, status),
      via: raw.via == null ? null : str(raw.via),
      rttMs: num(raw.rtt_ms),
      championId: num(raw.champion_id),
      championName: raw.champion_name == null ? null : str(raw.champion_name),
      skinId: num(raw.skin_id),
      skinName: raw.skin_name == null ? null : str(raw.skin_name),
      chromaId: num(raw.chroma_id),
      chromaName: raw.chroma_name == null ? null : str(raw.chroma_name),
      customMod: raw.custom_mod == null ? null : str(raw.custom_mod),
      skinInstalled: typeof raw.skin_installed === 'boolean' ? raw.skin_installed : null,
      inLobby: raw.in_lobby === true,
      onTeam: raw.on_team === true,
    };
  }

  function applyState(msg) {
    model.enabled = msg.enabled === true;
    model.pendingToggle = false;
    model.me = msg.me ? memberFrom(msg.me) : null;
    if (!model.me && msg.my_summoner_name) {
      model.me = memberFrom({ riot_id: msg.my_summoner_name, summoner_id: msg.my_summoner_id });
    }
    const rawMembers = Array.isArray(msg.members) ? msg.members : Array.isArray(msg.peers) ? msg.peers : [];
    model.members = rawMembers.filter((m) => m && !m.is_local).map(memberFrom);
    if (typeof msg.phase === 'string') setPhase(msg.phase);
    if (Array.isArray(msg.pending)) reconcilePending(msg.pending);
    if (!model.enabled) {
      model.invite = null;
      model.answer = null;
    }
  }

  /** The bridge lists our invites/answers still waiting: restore them, drop used ones. */
  function reconcilePending(pending) {
    const tokens = new Set(pending.map((p) => p && p.token));
    const latest = (kind) => {
      const found = pending.filter((p) => p && p.kind === kind).map(pendingFrom).filter(Boolean);
      return found.length ? found[found.length - 1] : null;
    };
    for (const key of ['invite', 'answer']) {
      const shown = model[key];
      if (shown && !tokens.has(shown.token) && !isExpired(shown)) {
        model[key] = null; // used: the link is up, so "send it back" / "connecting" is over
        if (model.pasteNote && model.pasteNote.kind === 'ok') model.pasteNote = null;
      }
      if (!model[key]) model[key] = latest(key);
    }
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

  function fontUrl(file) {
    return model.bridgePort ? `http://${options.host}:${model.bridgePort}/asset/${file}` : null;
  }

  function injectStyle() {
    if (document.getElementById('rpm-style')) return;
    document.head.append(el('style', { id: 'rpm-style', text: STYLE }));
  }

  function injectFonts(port) {
    const id = 'rpm-fonts';
    const previous = document.getElementById(id);
    if (previous && previous.dataset.port === String(port)) return;
    if (previous) previous.remove();
    model.bridgePort = port;
    const face = (family, file, weight) =>
      `@font-face{font-family:'${family}';src:url('${fontUrl(file)}');font-weight:${weight};font-display:swap}`;
    const css = [
      face('RPM Beaufort', 'BeaufortforLOL-Bold.otf', 700),
      face('RPM Spiegel', 'Spiegel-Regular.otf', 400),
      face('RPM Spiegel', 'Spiegel-SemiBold.otf', 600),
    ].join('\n');
    const style = el('style', { id, text: css });
    style.dataset.port = String(port);
    document.head.append(style);
  }

  const STYLE = `
.rpm-button{display:inline-flex;align-items:center;justify-content:center;position:relative;
  width:28px;height:28px;margin:0 2px;cursor:pointer;color:#a09b8c;border-radius:2px;fill:currentColor}
.rpm-button:hover,.rpm-button.rpm-open{color:#f0e6d2}
.rpm-button .rpm-badge{position:absolute;right:-2px;bottom:-2px;min-width:12px;height:12px;padding:0 2px;
  border-radius:6px;background:#0ac8b9;color:#010a13;font:700 9px/12px Arial,sans-serif;text-align:center}
.rpm-button .rpm-badge:empty{display:none}
.rpm-panel{position:fixed;z-index:10000;width:360px;max-height:calc(100vh - 16px);overflow-y:auto;
  box-sizing:border-box;padding:14px 16px 16px;background:linear-gradient(180deg,#0a1428 0%,#010a13 100%);
  border:1px solid #785a28;box-shadow:0 0 0 1px #010a13,0 8px 24px rgba(0,0,0,.7);color:#a09b8c;
  font:13px/1.4 'RPM Spiegel','Spiegel','LoL Body',Arial,sans-serif;scrollbar-width:thin;
  scrollbar-color:#785a28 transparent}
.rpm-panel[hidden],.rpm-panel [hidden]{display:none !important}
.rpm-panel *{box-sizing:border-box}
.rpm-head{display:flex;align-items:center;gap:10px;padding-bottom:10px;border-bottom:1px solid #463714}
.rpm-title{flex:1;margin:0;color:#f0e6d2;letter-spacing:.08em;text-transform:uppercase;
  font:700 16px/1.2 'RPM Beaufort','Beaufort for LOL','LoL Display',Georgia,serif}
.rpm-link{font-size:11px;color:#5b5a56}
.rpm-link[data-state=connected]{color:#0ac8b9}
.rpm-close{background:none;border:0;color:#a09b8c;font-size:18px;line-height:1;cursor:pointer;padding:0 2px}
.rpm-close:hover{color:#f0e6d2}
.rpm-section{padding:12px 0 4px;border-bottom:1px solid #1e2328}
.rpm-section:last-child{border-bottom:0}
.rpm-h-row{display:flex;align-items:center;justify-content:space-between;gap:8px;margin-bottom:8px}
.rpm-h-row .rpm-h{margin:0}
.rpm-h{margin:0 0 8px;color:#c8aa6e;font:700 12px/1.2 'RPM Beaufort','Beaufort for LOL','LoL Display',Georgia,serif;
  letter-spacing:.1em;text-transform:uppercase}
.rpm-row{display:flex;align-items:center;gap:8px;margin-bottom:8px}
.rpm-grow{flex:1}
.rpm-btn{min-height:26px;padding:3px 12px;cursor:pointer;color:#cdbe91;background:#1e2328;
  border:1px solid #c8aa6e;border-image:linear-gradient(180deg,#c8aa6e,#785a28) 1;
  font:700 11px/1.2 'RPM Beaufort','Beaufort for LOL','LoL Display',Georgia,serif;letter-spacing:.08em;
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
  font:700 18px 'RPM Beaufort','Beaufort for LOL','LoL Display',Georgia,serif}
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

  function qrUrl(token) {
    const port = (bridge && bridge.port) || model.bridgePort;
    return port ? `http://${options.host}:${port}/party/qr.svg?token=${encodeURIComponent(token)}` : null;
  }

  /** A token box: read-only text, Copy, QR from the bridge, countdown. */
  function tokenBlock(kind) {
    const area = el('textarea', { class: 'rpm-token', readonly: true, spellcheck: 'false', 'data-role': `${kind}-token` });
    area.addEventListener('focus', () => area.select());
    const copy = el('button', { class: 'rpm-btn', type: 'button', 'data-role': `${kind}-copy`, text: 'Copy' });
    copy.addEventListener('click', () => copyText(area.value, copy));
    const qr = el('img', { class: 'rpm-qr', alt: 'QR code of the token', 'data-role': `${kind}-qr` });
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
    if (!token) {
      block.qr.removeAttribute('src');
      return;
    }
    const url = qrUrl(token);
    block.qr.hidden = !url;
    if (url) block.qr.src = url;
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
    const off = el('p', {
      class: 'rpm-muted',
      'data-role': 'off',
      text: 'Party mode is off. Turn it on to invite friends and see their skins in your games.',
    });

    // Invite
    const inviteBlock = tokenBlock('invite');
    const inviteButton = el('button', { class: 'rpm-btn rpm-primary', type: 'button', 'data-role': 'create-invite', text: 'Create invite' });
    inviteButton.addEventListener('click', () => {
      if (send({ type: MSG.createInvite })) {
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
      // Sent as pasted: the Python side finds the token in chat text.
      if (send({ type: MSG.pasteToken, token: text })) {
        model.pasteBusy = true;
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
      panel, toggle, link, notice, off, inviteSection, inviteBlock, inviteButton, inviteHint, inviteExpired,
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
      disabled: model.removing.has(m.key),
      text: '×',
    });
    remove.addEventListener('click', () => {
      // By puuid: a summoner id may exceed 2^53 and JSON.parse already rounded it.
      const request = m.puuid ? { type: MSG.removePeer, puuid: m.puuid } : { type: MSG.removePeer, summoner_id: m.summonerId };
      if (send(request)) {
        model.removing.add(m.key);
        render();
      }
    });
    const warning =
      m.skinInstalled === false
        ? el('div', { class: 'rpm-warn', 'data-role': 'skin-missing', text: 'Skin not installed: they will look default to you' })
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
        warning
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

  function makeButton() {
    const b = el(
      'div',
      { class: 'rpm-button', id: 'rpm-party-button', role: 'button', tabindex: '0', title: 'Party mode', 'aria-label': 'Party mode' },
      svgIcon(ICON_PARTY, 20),
      el('span', { class: 'rpm-badge' })
    );
    b.addEventListener('click', () => setOpen(ui.panel.hidden));
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
    bar.append(button);
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

  const PASTE_REQUESTS = new Set([MSG.pasteToken, 'party-add-peer']);

  function onMessage(message) {
    switch (message.type) {
      case MSG.state:
        applyState(message);
        break;
      case MSG.enabled:
        model.pendingToggle = false;
        if (message.success === false) {
          model.notice = errorText(message, 'Party mode could not start.');
        } else {
          model.enabled = true;
          model.notice = null;
          const invite = pendingFrom(message); // Rose's one-button flow: enabling makes an invite
          if (invite) model.invite = invite;
        }
        break;
      case MSG.disabled:
        model.pendingToggle = false;
        model.enabled = false;
        model.invite = null;
        model.answer = null;
        model.pasteNote = null;
        break;
      case MSG.invite: {
        model.inviteRequested = false;
        model.notice = null;
        const invite = pendingFrom(message);
        if (invite) model.invite = invite;
        break;
      }
      case MSG.tokenResult:
      case MSG.peerAdded:
        onPasteResult(message);
        break;
      case MSG.peerRemoved:
        model.removing.clear();
        model.notice = message.success === false ? errorText(message, 'That member could not be removed.') : null;
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

  function errorText(message, fallback) {
    return typeof message.error === 'string' && message.error.trim() ? message.error : fallback;
  }

  function onError(message) {
    const text = errorText(message, 'Something went wrong.');
    const asked = message.request_type;
    if (PASTE_REQUESTS.has(asked)) {
      model.pasteBusy = false;
      setPasteNote('error', text);
      return;
    }
    if (asked === MSG.createInvite) model.inviteRequested = false;
    if (asked === MSG.enable || asked === MSG.disable) model.pendingToggle = false;
    if (asked === MSG.removePeer) model.removing.clear();
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

  function onPasteResult(message) {
    model.pasteBusy = false;
    if (message.success === false) {
      setPasteNote('error', errorText(message, 'That token could not be used.'));
      return;
    }
    if (ui.paste) ui.paste.value = '';
    if (message.kind === 'answer' && typeof message.answer === 'string' && message.answer) {
      model.answer = { token: message.answer, expiresAt: num(message.expires_at) };
      setPasteNote('ok', 'Invite accepted. Now send your answer back.');
    } else {
      model.answer = null;
      setPasteNote('ok', 'Answer accepted: connecting to your friend…');
    }
  }

  // --------------------------------------------------------------------- start

  async function start() {
    injectStyle();
    buildPanel();
    startWatching();
    setInterval(tick, 1000);
    render();

    const shared = await waitForSharedBridge(options.sharedBridgeWaitMs);
    bridge = shared || createSocketBridge();
    log(shared ? 'using the shared Rose bridge' : 'using its own bridge connection');
    for (const type of Object.values(MSG)) bridge.subscribe(type, onMessage);
    const onConnected = () => {
      model.bridgeReady = true;
      model.pasteBusy = false;
      model.inviteRequested = false;
      if (bridge.port) injectFonts(bridge.port);
      render();
      bridge.send({ type: MSG.getState });
    };
    if (typeof bridge.onStatus === 'function') {
      bridge.onStatus((ready) => {
        model.bridgeReady = ready;
        render();
      });
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
