/**
 * @name ROSE-PartyMode
 * @author webrtc-party
 * @description Party mode for Rose: invite friends with copy-paste tokens (no server) and see the skins they will show you in game.
 * @link https://github.com/Alban1911/Rose
 *
 * Built from panel/src/ by panel/build.mjs (esbuild): edit the sources, not this file.
 */
(() => {
  // src/messages.js
  var MSG = Object.freeze({
    getState: "party-get-state",
    enable: "party-enable",
    disable: "party-disable",
    addPeer: "party-add-peer",
    removePeer: "party-remove-peer",
    state: "party-state",
    enabled: "party-enabled",
    disabled: "party-disabled",
    peerAdded: "party-peer-added",
    peerRemoved: "party-peer-removed",
    phase: "phase-change",
    error: "party-error",
    // our bridge only: a request it could not read
    // League chat (our bridge and the Rose integration's handle_ui_message; docs/league-chat.md)
    setLeagueChat: "party-set-league-chat",
    forgetFriend: "party-forget-friend",
    leagueChatSet: "party-league-chat",
    friendForgotten: "party-friend-forgotten"
  });
  var INCOMING = Object.freeze([
    MSG.state,
    MSG.enabled,
    MSG.disabled,
    MSG.peerAdded,
    MSG.peerRemoved,
    MSG.phase,
    MSG.error,
    MSG.leagueChatSet,
    MSG.friendForgotten
  ]);

  // src/model.js
  var str = (v, fallback = "") => typeof v === "string" ? v : v == null ? fallback : String(v);
  var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
  var optStr = (value) => value == null ? null : str(value);
  function picksFrom(raw) {
    let list = Array.isArray(raw.selections) ? raw.selections : raw.skin_selections;
    if (!Array.isArray(list)) list = raw.skin_selection && typeof raw.skin_selection === "object" ? [raw.skin_selection] : [];
    return list.filter((s) => s && typeof s === "object").map((s) => ({
      championId: num(s.champion_id),
      championName: optStr(s.champion_name),
      skinId: num(s.skin_id),
      skinName: optStr(s.skin_name),
      chromaId: num(s.chroma_id),
      chromaName: optStr(s.chroma_name),
      customMod: optStr(s.custom_mod),
      skinInstalled: typeof s.skin_installed === "boolean" ? s.skin_installed : null,
      injection: optStr(s.injection),
      injectionDetail: optStr(s.injection_detail)
    }));
  }
  function memberFrom(raw) {
    const status = str(raw.status, raw.connected ? "direct" : raw.connection_state || "connecting");
    const sel = raw.skin_selection && typeof raw.skin_selection === "object" ? raw.skin_selection : {};
    const pick = (key) => raw[key] !== void 0 ? raw[key] : sel[key];
    return {
      key: str(raw.puuid || raw.summoner_id),
      summonerId: num(raw.summoner_id),
      riotId: str(raw.riot_id || raw.summoner_name, "Unknown player"),
      status,
      statusText: str(raw.status_text, status),
      via: raw.via == null ? null : str(raw.via),
      rttMs: num(raw.rtt_ms),
      championId: num(pick("champion_id")),
      championName: raw.champion_name == null ? null : str(raw.champion_name),
      skinId: num(pick("skin_id")),
      skinName: raw.skin_name == null ? null : str(raw.skin_name),
      chromaId: num(pick("chroma_id")),
      chromaName: raw.chroma_name == null ? null : str(raw.chroma_name),
      customMod: pick("custom_mod") == null ? null : str(pick("custom_mod")),
      skinInstalled: typeof raw.skin_installed === "boolean" ? raw.skin_installed : null,
      injection: raw.injection == null ? null : str(raw.injection),
      injectionDetail: raw.injection_detail == null ? null : str(raw.injection_detail),
      inLobby: raw.in_lobby === true,
      onTeam: raw.on_team === true,
      verified: raw.verified === true,
      picks: picksFrom(raw)
      // every pick, first first (Swiftplay: two)
    };
  }
  function leagueChatFrom(raw) {
    if (!raw || typeof raw !== "object") return null;
    const friends = Array.isArray(raw.remembered) ? raw.remembered : [];
    return {
      available: raw.available === true,
      enabled: raw.enabled === true,
      explained: raw.explained === true,
      running: raw.running === true,
      auto: raw.auto === true,
      problem: typeof raw.problem === "string" && raw.problem ? raw.problem : null,
      remembered: friends.filter((f) => f && typeof f.puuid === "string" && f.puuid).map((f) => ({ puuid: f.puuid, name: str(f.name, "Unknown player"), linkedAt: num(f.linked_at) }))
    };
  }
  function tokenFrom(token, expiresAt) {
    return typeof token === "string" && token ? { token, expiresAt: num(expiresAt) } : null;
  }
  function newestPending(pending, kind) {
    if (!Array.isArray(pending)) return null;
    const found = pending.filter((p) => p && p.kind === kind).map((p) => tokenFrom(p.token, p.expires_at)).filter(Boolean);
    return found.length ? found[found.length - 1] : null;
  }

  // src/reducer.js
  var PANEL = Object.freeze({
    connected: "panel/connected",
    // the bridge is (back) up; the state is asked for
    status: "panel/bridge-status",
    // {ready}
    toggleSent: "panel/toggle-sent",
    inviteSent: "panel/invite-sent",
    pasteSent: "panel/paste-sent",
    // {text}: sent as party-add-peer, or party-enable first
    removeSent: "panel/remove-sent",
    // {key, riotId}
    removeTimeout: "panel/remove-timeout",
    // {key, serial, riotId}
    noteTimeout: "panel/note-timeout",
    // {serial}
    queuedSendFailed: "panel/queued-send-failed",
    chatAsk: "panel/chat-ask",
    // the user turned League chat on before it was explained
    chatCancel: "panel/chat-cancel",
    chatSent: "panel/chat-sent",
    // party-set-league-chat went out
    forgetSent: "panel/forget-sent"
    // {puuid | null (all)}
  });
  var TEXT = Object.freeze({
    answerBack: "Invite accepted. Now send your answer back.",
    answerAccepted: "Answer accepted: connecting to your friend…",
    tokenAccepted: "Token accepted.",
    tokenRefused: "That token could not be used.",
    bridgeGone: "The bridge went away: paste the token again.",
    cannotStart: "Party mode could not start.",
    cannotStop: "Party mode could not stop.",
    cannotRemove: "That member could not be removed.",
    wentWrong: "Something went wrong.",
    chatFailed: "The League chat setting could not be changed.",
    // shown once, before League chat is first turned on
    chatExplain: `Your friends in your lobby who are not linked yet get ONE direct message from you in League chat: "Party mode invite (Rose skin sync), ignore if you don't use it." followed by a long token. A friend with party mode answers with one message and you connect; nobody pastes. Friends you connect with are remembered and reconnect by themselves next time, until you forget them. Riot may dislike automated chat messages: it is off unless you turn it on.`
  });
  function initialState() {
    return {
      bridgeReady: false,
      enabled: false,
      pendingToggle: false,
      me: null,
      members: [],
      phase: "",
      invite: null,
      // {token, expiresAt}: ours, for the next friend
      inviteRequested: false,
      answer: null,
      // {token, expiresAt}: ours, to be sent back
      pasteNote: null,
      // {kind: 'error' | 'ok', text, serial}
      pasteBusy: false,
      pasteQueued: null,
      // a paste waiting for party mode to come on
      awaitingResult: false,
      // accepted; party-state.last_result will say what it did
      lastResultAt: null,
      notice: null,
      // an error not tied to the paste box
      warnings: [],
      removing: {},
      // member key -> serial of its removal timer
      serial: 0,
      // last serial handed to a timer (notes, removals)
      leagueChat: null,
      // party-state.league_chat, or null (Rose's own bridge has none)
      chatExplaining: false,
      // the one-time explanation is open
      chatPending: false,
      forgetting: null
      // a puuid (or '*' for all) being forgotten
    };
  }
  var isRemoving = (state, key) => Object.prototype.hasOwnProperty.call(state.removing, key);
  var isExpired = (pending, now) => pending !== null && pending !== void 0 && pending.expiresAt !== null && pending.expiresAt <= now;
  function errorText(message, fallback) {
    return typeof message.error === "string" && message.error.trim() ? message.error : fallback;
  }
  var Step = class {
    constructor(state) {
      this.s = { ...state };
      this.effects = [];
    }
    /** A success note goes away by itself (a timer); an error stays until the next try. */
    setPasteNote(kind, text) {
      const serial = this.s.serial + 1;
      this.s.serial = serial;
      this.s.pasteNote = { kind, text, serial };
      if (kind === "ok") this.effects.push({ do: "note-timer", serial });
    }
    setPhase(phase) {
      if (phase === this.s.phase) return;
      this.s.phase = phase;
      this.effects.push({ do: "phase", phase });
    }
    clearPaste() {
      this.effects.push({ do: "clear-paste" });
    }
    dropRemoving(keep) {
      this.s.removing = Object.fromEntries(Object.entries(this.s.removing).filter(([key]) => keep(key)));
    }
  };
  function applyState(st, msg, now) {
    const s = st.s;
    s.enabled = msg.enabled === true;
    s.pendingToggle = false;
    s.me = msg.me ? memberFrom(msg.me) : null;
    if (!s.me && msg.my_summoner_name) {
      s.me = memberFrom({ riot_id: msg.my_summoner_name, summoner_id: msg.my_summoner_id });
    }
    const rawMembers = Array.isArray(msg.members) ? msg.members : Array.isArray(msg.peers) ? msg.peers : [];
    s.members = rawMembers.filter((m) => m && typeof m === "object" && !m.is_local).map(memberFrom);
    st.dropRemoving((key) => s.members.some((m) => m.key === key));
    if (typeof msg.phase === "string") st.setPhase(msg.phase);
    s.warnings = Array.isArray(msg.warnings) ? msg.warnings.filter((w) => typeof w === "string" && w) : [];
    s.leagueChat = leagueChatFrom(msg.league_chat);
    if (s.forgetting !== null && s.leagueChat) {
      const left = s.leagueChat.remembered.some((f) => s.forgetting === "*" || f.puuid === s.forgetting);
      if (!left) s.forgetting = null;
    }
    s.invite = "my_token" in msg ? tokenFrom(msg.my_token, msg.my_token_expires_at) : newestPending(msg.pending, "invite");
    if (s.invite && s.invite.expiresAt === null) {
      const listed = newestPending(msg.pending, "invite");
      if (listed && listed.token === s.invite.token) s.invite = listed;
    }
    const answer = "my_answer" in msg ? tokenFrom(msg.my_answer, msg.my_answer_expires_at) : newestPending(msg.pending, "answer");
    if (s.answer && (!answer || answer.token !== s.answer.token) && !isExpired(s.answer, now)) {
      if (s.pasteNote && s.pasteNote.kind === "ok") s.pasteNote = null;
    }
    s.answer = answer;
    if (msg.last_result && typeof msg.last_result === "object") onLastResult(st, msg.last_result);
    if (!s.enabled) {
      s.invite = null;
      s.answer = null;
    }
  }
  function onLastResult(st, result) {
    const s = st.s;
    const at = result.at === void 0 ? null : result.at;
    if (at === s.lastResultAt) return;
    const quiet = s.lastResultAt === null && !s.pasteBusy && !s.awaitingResult;
    s.lastResultAt = at;
    if (quiet) return;
    s.pasteBusy = false;
    s.awaitingResult = false;
    if (result.ok === false || result.kind === "error") {
      st.setPasteNote("error", errorText(result, TEXT.tokenRefused));
      return;
    }
    st.clearPaste();
    if (result.kind === "answer") st.setPasteNote("ok", TEXT.answerBack);
    else st.setPasteNote("ok", TEXT.answerAccepted);
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
        st.setPasteNote("error", text);
      } else {
        s.notice = text;
      }
      return;
    }
    s.enabled = true;
    s.notice = null;
    const token = typeof message.token === "string" && message.token ? message.token : null;
    if (token && (!s.invite || s.invite.token !== token)) {
      s.invite = { token, expiresAt: num(message.expires_at) };
    }
    if (queued !== null) {
      st.effects.push({ do: "send", message: { type: MSG.addPeer, token: queued }, failed: { type: PANEL.queuedSendFailed } });
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
      st.setPasteNote("error", errorText(message, TEXT.tokenRefused));
      return;
    }
    if (message.kind === "answer" || message.kind === "completed") {
      s.pasteBusy = false;
      st.clearPaste();
      if (message.kind === "answer") {
        const answer = tokenFrom(message.answer, message.expires_at);
        if (answer) s.answer = answer;
        st.setPasteNote("ok", TEXT.answerBack);
      } else {
        st.setPasteNote("ok", TEXT.answerAccepted);
      }
      return;
    }
    if (s.pasteBusy) {
      s.awaitingResult = true;
      s.pasteBusy = false;
      st.clearPaste();
      st.setPasteNote("ok", TEXT.tokenAccepted);
    }
  }
  function onPeerRemoved(st, message) {
    const s = st.s;
    const sid = num(message.summoner_id !== void 0 ? Number(message.summoner_id) : null);
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
    if (asked === MSG.addPeer || asked === MSG.enable && s.pasteQueued !== null) {
      s.pasteBusy = false;
      s.pasteQueued = null;
      st.setPasteNote("error", text);
      return;
    }
    if (asked === MSG.setLeagueChat) s.chatPending = false;
    if (asked === MSG.forgetFriend) s.forgetting = null;
    if (asked === MSG.enable) s.inviteRequested = false;
    if (asked === MSG.enable || asked === MSG.disable) s.pendingToggle = false;
    if (asked == null) {
      s.inviteRequested = false;
      s.pasteBusy = false;
      s.pendingToggle = false;
    }
    s.notice = text;
  }
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
        st.effects.push({ do: "remove-timer", key: event.key, serial, riotId: event.riotId });
        return true;
      }
      case PANEL.removeTimeout:
        if (!isRemoving(s, event.key) || s.removing[event.key] !== event.serial) return false;
        st.dropRemoving((key) => key !== event.key);
        if (s.members.some((m) => m.key === event.key)) s.notice = `${event.riotId} could not be removed.`;
        return true;
      case PANEL.noteTimeout:
        if (!s.pasteNote || s.pasteNote.kind !== "ok" || s.pasteNote.serial !== event.serial) return false;
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
        s.forgetting = event.puuid === null ? "*" : event.puuid;
        return true;
      case PANEL.queuedSendFailed:
        s.pasteBusy = false;
        st.setPasteNote("error", TEXT.bridgeGone);
        return true;
      default:
        return false;
    }
  }
  function step(state, event, now) {
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
        if (typeof event.phase === "string") st.setPhase(event.phase);
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

  // src/transport.js
  function createTransport(options, { log: log2, warn: warn2 }) {
    function safeCall(fn, ...args) {
      try {
        fn(...args);
      } catch (err) {
        warn2("listener failed", err);
      }
    }
    async function readBridgeKey() {
      try {
        const response = await fetch(`${options.keyUrl}?t=${Date.now()}`, { cache: "no-store" });
        if (!response.ok) return null;
        const info = await response.json();
        const port = Number(info && info.port);
        if (!Number.isInteger(port) || port <= 0 || port > 65535 || typeof info.key !== "string" || !info.key) return null;
        return { port, key: info.key };
      } catch {
        return null;
      }
    }
    function createSocketBridge(first) {
      const listeners = /* @__PURE__ */ new Map();
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
          if (!listeners.has(type)) listeners.set(type, /* @__PURE__ */ new Set());
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
        }
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
      async function findTarget() {
        const given = next;
        next = null;
        const keyed = given || await readBridgeKey();
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
          warn2("bridge discovery failed", err);
        }
        connecting = false;
        if (target === null) {
          retryLater();
          return;
        }
        const { port, key } = target;
        const query = key ? `?key=${encodeURIComponent(key)}` : "";
        const ws = new WebSocket(`ws://${options.host}:${port}/${query}`);
        socket = ws;
        let opened = false;
        ws.onopen = () => {
          opened = true;
          attempt = 0;
          bridge.port = port;
          bridge.key = key;
          if (!key) rememberPort(port);
          log2(`connected to the bridge on port ${port}`);
          setStatus(true);
          readyCallbacks.forEach((cb) => safeCall(cb));
        };
        ws.onmessage = (event) => {
          let message;
          try {
            message = JSON.parse(event.data);
          } catch {
            return;
          }
          if (message && typeof message.type === "string") dispatch(message);
        };
        ws.onclose = () => {
          if (socket !== ws) return;
          socket = null;
          if (!opened && !key) forgetPort(port);
          if (bridge.ready) log2("bridge connection lost; reconnecting");
          setStatus(false);
          retryLater();
        };
        ws.onerror = () => {
        };
      }
      connect();
      return bridge;
    }
    async function probePort(port, timeoutMs) {
      const url = `http://${options.host}:${port}/bridge-port`;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await fetch(url, { signal: controller.signal, cache: "no-store" });
        if (!response.ok) return "no";
        const value = Number((await response.text()).trim());
        return value === port ? "yes" : "no";
      } catch {
        if (controller.signal.aborted) return "no";
        try {
          await fetch(url, { signal: controller.signal, cache: "no-store", mode: "no-cors" });
          return "maybe";
        } catch {
          return "no";
        }
      } finally {
        clearTimeout(timer);
      }
    }
    function rememberPort(port) {
      try {
        localStorage.setItem("rose_bridge_port", String(port));
      } catch {
      }
    }
    function forgetPort(port) {
      try {
        if (localStorage.getItem("rose_bridge_port") === String(port)) localStorage.removeItem("rose_bridge_port");
      } catch {
      }
    }
    async function discoverPort() {
      let saved = NaN;
      try {
        saved = Number(localStorage.getItem("rose_bridge_port"));
      } catch {
      }
      let maybe = null;
      const tried = /* @__PURE__ */ new Set();
      const check = async (port2) => {
        tried.add(port2);
        const answer = await probePort(port2, options.probeTimeoutMs);
        if (answer === "maybe" && maybe === null) maybe = port2;
        return answer === "yes";
      };
      if (Number.isInteger(saved) && saved > 0 && saved < 65536) {
        if (await check(saved) || maybe === saved) return saved;
      }
      if (!tried.has(options.firstPort) && await check(options.firstPort)) return options.firstPort;
      const ports = [];
      for (let p = options.firstPort; p <= options.lastPort; p += 1) if (!tried.has(p)) ports.push(p);
      const found = await Promise.all(ports.map((p) => check(p).then((ok) => ok ? p : null)));
      const port = found.find((p) => p !== null);
      if (port !== void 0) return port;
      return maybe;
    }
    function waitForSharedBridge(timeoutMs) {
      return new Promise((resolve) => {
        const started = Date.now();
        (function poll() {
          const shared = window.__roseBridge;
          if (shared && typeof shared.send === "function" && typeof shared.subscribe === "function") {
            resolve(shared);
          } else if (Date.now() - started >= timeoutMs) {
            resolve(null);
          } else {
            setTimeout(poll, 50);
          }
        })();
      });
    }
    async function pickBridge() {
      const keyed = await readBridgeKey();
      if (keyed) return createSocketBridge(keyed);
      const shared = await waitForSharedBridge(options.sharedBridgeWaitMs);
      if (shared) return shared;
      return createSocketBridge(null);
    }
    return { readBridgeKey, pickBridge };
  }

  // src/panel.css
  var panel_default = `/* The party panel's style, injected once as <style id="rpm-style">. No font files of our own: the
 * client's fonts (its --font-display / --font-body), and Rose's Beaufort where
 * ROSE-SettingsPanel already declared it from Rose's /asset/ route. */
.rpm-button{display:inline-flex;align-items:center;justify-content:center;position:relative;
  width:28px;height:28px;cursor:pointer;color:#a09b8c;border-radius:2px;fill:currentColor}
.rpm-button:hover,.rpm-button.rpm-open{color:#f0e6d2}
.rpm-button .rpm-badge{position:absolute;right:-2px;bottom:-2px;min-width:12px;height:12px;padding:0 2px;
  border-radius:6px;background:#0ac8b9;color:#010a13;font:700 9px/12px Arial,sans-serif;text-align:center}
.rpm-button .rpm-badge:empty{display:none}
.rpm-panel{position:fixed;z-index:10000;width:360px;max-height:calc(100vh - 16px);overflow-y:auto;
  box-sizing:border-box;padding:14px 16px 16px;background:linear-gradient(180deg,#0a1428 0%,#010a13 100%);
  border:1px solid #785a28;box-shadow:0 0 0 1px #010a13,0 8px 24px rgba(0,0,0,.7);color:#a09b8c;
  font:13px/1.4 var(--font-body),'LoL Body',Arial,sans-serif;scrollbar-width:thin;
  scrollbar-color:#785a28 transparent}
.rpm-panel[hidden],.rpm-panel [hidden]{display:none !important}
.rpm-panel *{box-sizing:border-box}
.rpm-head{display:flex;align-items:center;gap:10px;padding-bottom:10px;border-bottom:1px solid #463714}
.rpm-title{flex:1;margin:0;color:#f0e6d2;letter-spacing:.08em;text-transform:uppercase;
  font:700 16px/1.2 var(--font-display),'Beaufort for LOL','LoL Display',Georgia,serif}
.rpm-link{font-size:11px;color:#5b5a56}
.rpm-link[data-state=connected]{color:#0ac8b9}
.rpm-close{background:none;border:0;color:#a09b8c;font-size:18px;line-height:1;cursor:pointer;padding:0 2px}
.rpm-close:hover{color:#f0e6d2}
.rpm-section{padding:12px 0 4px;border-bottom:1px solid #1e2328}
.rpm-section:last-child{border-bottom:0}
.rpm-h-row{display:flex;align-items:center;justify-content:space-between;gap:8px;margin-bottom:8px}
.rpm-h-row .rpm-h{margin:0}
.rpm-h{margin:0 0 8px;color:#c8aa6e;font:700 12px/1.2 var(--font-display),'Beaufort for LOL','LoL Display',Georgia,serif;
  letter-spacing:.1em;text-transform:uppercase}
.rpm-row{display:flex;align-items:center;gap:8px;margin-bottom:8px}
.rpm-grow{flex:1}
.rpm-btn{min-height:26px;padding:3px 12px;cursor:pointer;color:#cdbe91;background:#1e2328;
  border:1px solid #c8aa6e;border-image:linear-gradient(180deg,#c8aa6e,#785a28) 1;
  font:700 11px/1.2 var(--font-display),'Beaufort for LOL','LoL Display',Georgia,serif;letter-spacing:.08em;
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
  font:700 18px var(--font-display),'Beaufort for LOL','LoL Display',Georgia,serif}
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
.rpm-verified { margin-left: 6px; font-size: 11px; color: #0acf83; border: 1px solid #0acf83; border-radius: 3px; padding: 0 4px; }
.rpm-chat-label { gap: 6px; cursor: pointer; }
.rpm-picks{list-style:none;margin:2px 0 0;padding:0}
.rpm-pick{padding:2px 0 2px 6px;border-left:2px solid #3c3c41}
.rpm-pick[data-injection=injected]{border-left-color:#0ac8b9}
.rpm-pick[data-injection=missing-locally],.rpm-pick[data-injection=rejected]{border-left-color:#e0a23b}
.rpm-ok{font-size:11px;color:#0ac8b9}
`;

  // src/dom.js
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === void 0 || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === void 0 || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function svgIcon(paths, size) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("aria-hidden", "true");
    for (const d of paths) {
      const path = document.createElementNS(ns, "path");
      path.setAttribute("d", d);
      svg.append(path);
    }
    return svg;
  }
  function injectStyle() {
    if (document.getElementById("rpm-style")) return;
    document.head.append(el("style", { id: "rpm-style", text: panel_default }));
  }
  function copyText(text, button) {
    const done = (ok) => {
      const label = button.textContent;
      button.textContent = ok ? "Copied" : "Select and copy";
      setTimeout(() => {
        button.textContent = label;
      }, 1500);
    };
    const fallback = () => {
      const area = el("textarea", { class: "rpm-offscreen", readonly: true });
      area.value = text;
      area.style.position = "fixed";
      area.style.left = "-9999px";
      document.body.append(area);
      area.select();
      let ok = false;
      try {
        ok = document.execCommand("copy");
      } catch {
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
  function formatLeft(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  // src/members.js
  function skinLine(m) {
    if (m.championName === null && m.championId === null) return "No champion yet";
    const champion = m.championName || `Champion ${m.championId}`;
    const parts = [champion];
    if (m.customMod) parts.push(m.customMod);
    else if (m.skinName) parts.push(m.skinName);
    if (m.chromaName) parts.push(m.chromaName);
    return parts.join(" · ");
  }
  function previewUrl(m) {
    if (m.championId === null || m.skinId === null) return null;
    return `/lol-game-data/assets/v1/champion-tiles/${m.championId}/${m.skinId}.jpg`;
  }
  function statusLabel(m) {
    if (m.status === "relayed") return m.via ? `via ${m.via}` : m.statusText || "relayed";
    if (m.status === "direct" && m.rttMs !== null) return `direct · ${Math.round(m.rttMs)} ms`;
    return m.statusText || m.status;
  }
  var QUIET = /* @__PURE__ */ new Set(["injected", "missing-locally"]);
  function outcomeLine(p, role) {
    if (!p.injection || QUIET.has(p.injection)) return null;
    return el("div", { class: "rpm-warn", "data-role": role, "data-injection": p.injection, text: p.injectionDetail || p.injection });
  }
  function pickList(picks) {
    return el(
      "ul",
      { class: "rpm-picks", "data-role": "picks" },
      ...picks.map((p) => {
        const missing = p.skinInstalled === false || p.injection === "missing-locally";
        const injected = p.injection === "injected";
        return el(
          "li",
          { class: "rpm-pick", "data-role": "pick", "data-champion": p.championId, "data-injection": p.injection },
          el("div", { class: "rpm-skin", "data-role": "skin", text: skinLine(p) }),
          missing ? el("div", { class: "rpm-warn", "data-role": "skin-missing", title: p.injectionDetail || null, text: "Skin missing locally: default to you" }) : null,
          injected ? el("div", { class: "rpm-ok", "data-role": "injected", title: p.injectionDetail || null, text: "Injected" }) : null,
          outcomeLine(p, "injection")
        );
      })
    );
  }
  function createRows({ actions, getState }) {
    const brokenPreviews = /* @__PURE__ */ new Set();
    function preview(m) {
      const box = el("div", { class: "rpm-preview", "data-role": "preview" });
      const initial = (m.championName || m.riotId || "?").trim().charAt(0).toUpperCase();
      const url = previewUrl(m);
      if (!url || brokenPreviews.has(url)) {
        box.textContent = initial;
        return box;
      }
      const img = el("img", { alt: "", src: url, "data-role": "preview-img" });
      img.addEventListener("error", () => {
        brokenPreviews.add(url);
        img.remove();
        box.textContent = initial;
      });
      box.append(img);
      return box;
    }
    function memberRow(m) {
      const remove = el("button", {
        class: "rpm-remove",
        type: "button",
        title: `Remove ${m.riotId} from the party`,
        "aria-label": `Remove ${m.riotId}`,
        "data-role": "remove",
        disabled: isRemoving(getState(), m.key) || !Number.isSafeInteger(m.summonerId) || m.summonerId <= 0,
        text: "×"
      });
      remove.addEventListener("click", () => actions.remove(m));
      const several = m.picks.length > 1;
      const missing = !several && (m.skinInstalled === false || m.injection === "missing-locally");
      const warning = missing ? el("div", { class: "rpm-warn", "data-role": "skin-missing", text: "Skin missing locally: they will look default to you" }) : null;
      const injection = !several ? outcomeLine(m, "injection") : null;
      return el(
        "li",
        { class: "rpm-member", "data-member": m.key, "data-status": m.status },
        preview(m),
        el(
          "div",
          { class: "rpm-member-main" },
          el("div", { class: "rpm-name", "data-role": "riot-id", text: m.riotId }),
          el("span", { class: "rpm-status", "data-status": m.status, "data-role": "status", text: statusLabel(m) }),
          m.verified ? el("span", {
            class: "rpm-verified",
            "data-role": "verified",
            title: "Linked from their League chat message: they are the account that sent it",
            text: "✓ verified"
          }) : null,
          several ? pickList(m.picks) : el("div", { class: "rpm-skin", "data-role": "skin", text: skinLine(m) }),
          warning,
          injection
        ),
        remove
      );
    }
    function rememberedRow(f) {
      const forget = el("button", {
        class: "rpm-btn",
        type: "button",
        "data-role": "forget",
        disabled: getState().forgetting !== null,
        title: `${f.name} will no longer reconnect by themselves`,
        text: "Forget"
      });
      forget.addEventListener("click", () => actions.forget(f.puuid));
      return el(
        "li",
        { class: "rpm-member", "data-friend": f.puuid },
        el("div", { class: "rpm-member-main" }, el("div", { class: "rpm-name", text: f.name })),
        forget
      );
    }
    return { memberRow, rememberedRow };
  }

  // src/tokens.js
  function createTokenBlocks(qrUrl) {
    async function loadQr(img, token) {
      const url = qrUrl(token);
      img.hidden = true;
      if (!url) return;
      try {
        const response = await fetch(url, { cache: "no-store" });
        if (!response.ok) return;
        const blob = await response.blob();
        if (img.dataset.token !== token) return;
        if (img.dataset.blob) URL.revokeObjectURL(img.dataset.blob);
        const shown = URL.createObjectURL(blob);
        img.dataset.blob = shown;
        img.src = shown;
        img.hidden = false;
      } catch {
      }
    }
    function tokenBlock(kind) {
      const area = el("textarea", { class: "rpm-token", readonly: true, spellcheck: "false", "data-role": `${kind}-token` });
      area.addEventListener("focus", () => area.select());
      const copy = el("button", { class: "rpm-btn", type: "button", "data-role": `${kind}-copy`, text: "Copy" });
      copy.addEventListener("click", () => copyText(area.value, copy));
      const qr = el("img", { class: "rpm-qr", alt: "QR code of the token", "data-role": `${kind}-qr`, hidden: true });
      qr.addEventListener("error", () => {
        qr.hidden = true;
      });
      const countdown = el("span", { class: "rpm-countdown", "data-role": `${kind}-countdown` });
      const root = el(
        "div",
        { class: "rpm-token-wrap" },
        qr,
        el("div", { class: "rpm-token-side" }, area, el("div", { class: "rpm-row" }, copy, countdown))
      );
      return { root, area, qr, countdown, token: null };
    }
    function setToken(block, pending) {
      const token = pending ? pending.token : null;
      if (block.token === token) return;
      block.token = token;
      block.area.value = token || "";
      block.qr.dataset.token = token || "";
      if (!token) {
        block.qr.removeAttribute("src");
        block.qr.hidden = true;
        return;
      }
      loadQr(block.qr, token);
    }
    function updateCountdown(block, pending, at) {
      if (!pending || pending.expiresAt === null) {
        block.countdown.textContent = "";
        return;
      }
      const left = pending.expiresAt - at;
      block.countdown.textContent = left > 0 ? `expires in ${formatLeft(left)}` : "expired";
      block.countdown.classList.toggle("rpm-soon", left < 60);
    }
    return { tokenBlock, setToken, updateCountdown };
  }

  // src/view.js
  var ICON_PARTY = [
    "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm0 2c-3.3 0-6 1.8-6 4v2h12v-2c0-2.2-2.7-4-6-4z",
    "M16.5 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm1 2h-1.2c1.1.9 1.7 2.1 1.7 3.5V19h4v-2c0-2-2-4-4.5-4z"
  ];
  var PHASE_WORDS = {
    Lobby: "in lobby",
    Matchmaking: "in queue",
    ReadyCheck: "in queue",
    ChampSelect: "champion select",
    GameStart: "game starting",
    InProgress: "in game",
    Reconnect: "in game",
    WaitingForStats: "after game",
    PreEndOfGame: "after game",
    EndOfGame: "after game"
  };
  function createView({ qrUrl, actions, now }) {
    const ui = {};
    let state = null;
    let button = null;
    const { tokenBlock, setToken, updateCountdown } = createTokenBlocks(qrUrl);
    const { memberRow, rememberedRow } = createRows({ actions, getState: () => state });
    function build() {
      const toggle = el("button", {
        class: "rpm-switch",
        type: "button",
        role: "switch",
        "aria-checked": "false",
        "aria-label": "Party mode",
        "data-role": "toggle",
        title: "Party mode on/off"
      });
      toggle.addEventListener("click", () => actions.toggle());
      const link = el("span", { class: "rpm-link", "data-role": "bridge", text: "connecting…" });
      const close = el("button", { class: "rpm-close", type: "button", "aria-label": "Close", text: "×" });
      close.addEventListener("click", () => setOpen(false));
      const notice = el("div", { class: "rpm-note rpm-error", "data-role": "notice", role: "alert", hidden: true });
      const warnings = el("ul", { class: "rpm-note rpm-warnings", "data-role": "warnings", hidden: true });
      const off = el("p", {
        class: "rpm-muted",
        "data-role": "off",
        text: "Party mode is off. Turn it on to invite friends and see their skins in your games."
      });
      const inviteBlock = tokenBlock("invite");
      const inviteButton = el("button", { class: "rpm-btn rpm-primary", type: "button", "data-role": "create-invite", text: "Create invite" });
      inviteButton.addEventListener("click", () => actions.invite());
      const inviteHint = el("p", { class: "rpm-hint", "data-role": "invite-hint", text: "Send this invite to a friend, then paste their answer below." });
      const inviteExpired = el("p", { class: "rpm-note rpm-error", "data-role": "invite-expired", text: "This invite expired." });
      const inviteSection = el(
        "div",
        { class: "rpm-section", "data-role": "invite" },
        el("div", { class: "rpm-h-row" }, el("h3", { class: "rpm-h", text: "Invite a friend" }), inviteButton),
        inviteHint,
        inviteExpired,
        inviteBlock.root
      );
      const paste = el("textarea", {
        class: "rpm-token rpm-paste",
        spellcheck: "false",
        placeholder: "Paste a friend's invite or answer here",
        "data-role": "paste"
      });
      const useButton = el("button", { class: "rpm-btn", type: "button", "data-role": "paste-submit", text: "Use token" });
      const submitPaste = () => {
        const text = paste.value;
        if (text.trim()) actions.paste(text);
      };
      useButton.addEventListener("click", submitPaste);
      paste.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          submitPaste();
        }
      });
      const pasteNote = el("div", { class: "rpm-note", "data-role": "paste-note", role: "status" });
      const answerBlock = tokenBlock("answer");
      const answerWrap = el(
        "div",
        { "data-role": "answer" },
        el("p", { class: "rpm-hint", text: "Send this back to your friend: they paste it to finish the link." }),
        answerBlock.root
      );
      const pasteSection = el(
        "div",
        { class: "rpm-section", "data-role": "paste-section" },
        el("h3", { class: "rpm-h", text: "Paste a friend's token" }),
        paste,
        el("div", { class: "rpm-row" }, el("span", { class: "rpm-grow rpm-muted", text: "Chat formatting is fine." }), useButton),
        pasteNote,
        answerWrap
      );
      const members = el("ul", { class: "rpm-members", "data-role": "members" });
      const empty = el("p", { class: "rpm-muted", "data-role": "members-empty", text: "Nobody yet. Invite a friend or paste their invite." });
      const membersTitle = el("h3", { class: "rpm-h", "data-role": "members-title", text: "Friends" });
      const membersSection = el("div", { class: "rpm-section", "data-role": "members-section" }, membersTitle, empty, members);
      const chatToggle = el("input", { type: "checkbox", "data-role": "chat-toggle" });
      chatToggle.addEventListener("change", () => {
        chatToggle.checked = !chatToggle.checked;
        actions.chatToggle();
      });
      const chatLabel = el(
        "label",
        { class: "rpm-row rpm-chat-label" },
        chatToggle,
        el("span", { class: "rpm-grow", text: "Connect to friends in my lobby through League chat" })
      );
      const chatOk = el("button", { class: "rpm-btn rpm-primary", type: "button", "data-role": "chat-explain-ok", text: "Turn on" });
      chatOk.addEventListener("click", () => actions.chatConfirm());
      const chatCancel = el("button", { class: "rpm-btn", type: "button", "data-role": "chat-explain-cancel", text: "Cancel" });
      chatCancel.addEventListener("click", () => actions.chatCancel());
      const chatExplain = el(
        "div",
        { class: "rpm-note", "data-role": "chat-explain", role: "dialog", hidden: true },
        el("p", { text: TEXT.chatExplain }),
        el("div", { class: "rpm-row" }, el("span", { class: "rpm-grow" }), chatCancel, chatOk)
      );
      const chatStatus = el("p", { class: "rpm-hint", "data-role": "chat-status" });
      const remembered = el("ul", { class: "rpm-members", "data-role": "remembered" });
      const forgetAll = el("button", { class: "rpm-btn", type: "button", "data-role": "forget-all", text: "Forget all" });
      forgetAll.addEventListener("click", () => actions.forget(null));
      const rememberedWrap = el(
        "div",
        { "data-role": "remembered-section" },
        el("div", { class: "rpm-h-row" }, el("h3", { class: "rpm-h", text: "Remembered friends" }), forgetAll),
        remembered
      );
      const chatSection = el(
        "div",
        { class: "rpm-section", "data-role": "chat-section", hidden: true },
        chatLabel,
        chatExplain,
        chatStatus,
        rememberedWrap
      );
      const foot = el("div", { class: "rpm-foot", "data-role": "me" });
      const panel = el(
        "div",
        { class: "rpm-panel", id: "rpm-panel", hidden: true, role: "dialog", "aria-label": "Party mode" },
        el("div", { class: "rpm-head" }, el("h2", { class: "rpm-title", text: "Party mode" }), link, toggle, close),
        notice,
        warnings,
        off,
        membersSection,
        inviteSection,
        pasteSection,
        chatSection,
        foot
      );
      document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && !panel.hidden) setOpen(false);
      });
      window.addEventListener("resize", () => {
        if (!panel.hidden) placePanel();
      });
      Object.assign(ui, {
        panel,
        toggle,
        link,
        notice,
        warnings,
        off,
        inviteSection,
        inviteBlock,
        inviteButton,
        inviteHint,
        inviteExpired,
        pasteSection,
        paste,
        useButton,
        pasteNote,
        answerBlock,
        answerWrap,
        members,
        empty,
        foot,
        membersSection,
        membersTitle,
        chatSection,
        chatToggle,
        chatExplain,
        chatStatus,
        remembered,
        rememberedWrap,
        forgetAll
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
      let status = chat.enabled ? "On: invites go to lobby friends who are not linked yet." : "Off.";
      if (chat.enabled && chat.auto) status = "On: party mode was turned on for a remembered friend in your lobby.";
      if (chat.problem) status = chat.problem;
      ui.chatStatus.textContent = status;
      ui.remembered.replaceChildren(...chat.remembered.map(rememberedRow));
      ui.rememberedWrap.hidden = chat.remembered.length === 0;
      ui.forgetAll.disabled = state.forgetting !== null;
    }
    function render(next) {
      if (next) state = next;
      if (!ui.panel || !state) return;
      const at = now();
      const connected = state.bridgeReady;
      ui.link.textContent = connected ? "connected" : "no bridge, retrying…";
      ui.link.dataset.state = connected ? "connected" : "disconnected";
      ui.panel.dataset.bridge = connected ? "connected" : "disconnected";
      ui.panel.dataset.enabled = String(state.enabled);
      ui.toggle.setAttribute("aria-checked", String(state.enabled));
      ui.toggle.disabled = !connected || state.pendingToggle;
      ui.notice.hidden = !state.notice;
      ui.notice.textContent = state.notice || "";
      ui.warnings.replaceChildren(...state.warnings.map((w) => el("li", { text: w })));
      ui.warnings.hidden = state.warnings.length === 0;
      ui.off.hidden = connected && state.enabled;
      ui.off.textContent = connected ? "Party mode is off. Make an invite or paste a friend's token to turn it on." : "Waiting for the party bridge (webrtc-party or Rose) on this computer…";
      ui.inviteSection.hidden = !connected;
      ui.pasteSection.hidden = !connected;
      const invite = state.invite;
      const expired = isExpired(invite, at);
      const answering = !!state.answer && !isExpired(state.answer, at);
      ui.inviteBlock.root.hidden = !invite || expired || answering;
      ui.inviteHint.hidden = !invite || expired || answering;
      ui.inviteExpired.hidden = !expired;
      setToken(ui.inviteBlock, invite);
      updateCountdown(ui.inviteBlock, invite, at);
      ui.inviteButton.textContent = expired ? "Make a new invite" : invite ? "New invite" : "Create invite";
      ui.inviteButton.disabled = state.inviteRequested;
      ui.useButton.disabled = state.pasteBusy;
      ui.pasteNote.hidden = !state.pasteNote;
      if (state.pasteNote) {
        ui.pasteNote.textContent = state.pasteNote.text;
        ui.pasteNote.classList.toggle("rpm-error", state.pasteNote.kind === "error");
        ui.pasteNote.dataset.kind = state.pasteNote.kind;
      }
      const answer = state.answer;
      ui.answerWrap.hidden = !answer || isExpired(answer, at);
      setToken(ui.answerBlock, answer);
      updateCountdown(ui.answerBlock, answer, at);
      ui.members.replaceChildren(...state.members.map(memberRow));
      ui.empty.hidden = state.members.length > 0 || !connected || !state.enabled;
      ui.membersSection.hidden = !connected || !state.enabled && state.members.length === 0;
      ui.membersTitle.textContent = state.members.length ? `Friends (${state.members.length})` : "Friends";
      renderChat(connected);
      if (!ui.panel.hidden) placePanel();
      const where = PHASE_WORDS[state.phase];
      ui.foot.textContent = state.me ? `You: ${state.me.riotId}${where ? ` · ${where}` : ""}` : "";
      updateBadge();
    }
    function tick() {
      if (!ui.panel || ui.panel.hidden || !state) return;
      const at = now();
      const inviteWasLive = ui.inviteExpired.hidden;
      updateCountdown(ui.inviteBlock, state.invite, at);
      updateCountdown(ui.answerBlock, state.answer, at);
      if (inviteWasLive && isExpired(state.invite, at) || !ui.answerWrap.hidden && isExpired(state.answer, at)) render();
    }
    function updateBadge() {
      if (!button || !state) return;
      const live = state.members.filter((m) => m.status === "direct" || m.status === "relayed").length;
      button.querySelector(".rpm-badge").textContent = state.enabled && live ? String(live) : "";
      button.classList.toggle("rpm-open", !!ui.panel && !ui.panel.hidden);
    }
    function makeButton() {
      const b = el(
        "span",
        { class: "action-bar-button rpm-button", id: "rpm-party-button", role: "button", tabindex: "0", title: "Party mode", "aria-label": "Party mode" },
        svgIcon(ICON_PARTY, 20),
        el("span", { class: "rpm-badge" })
      );
      b.addEventListener("click", (event) => {
        event.stopPropagation();
        setOpen(ui.panel.hidden);
      });
      b.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          setOpen(ui.panel.hidden);
        }
      });
      return b;
    }
    function ensureButton() {
      const bar = document.querySelector(".lol-social-actions-bar .buttons");
      if (!bar) return;
      if (button && bar.contains(button)) return;
      if (!button) button = makeButton();
      const finder = bar.querySelector(".friend-finder-button");
      const finderButton = finder ? finder.closest(".action-bar-button") : null;
      const header = bar.querySelector(".friend-header");
      if (finderButton && finderButton.parentNode === bar) bar.insertBefore(button, finderButton);
      else if (header && header.nextSibling) bar.insertBefore(button, header.nextSibling);
      else bar.append(button);
      updateBadge();
    }
    function placePanel() {
      const panel = ui.panel;
      const margin = 8;
      const rect = button && button.isConnected ? button.getBoundingClientRect() : null;
      const width = panel.offsetWidth;
      const right = rect ? window.innerWidth - rect.right : margin;
      panel.style.left = "auto";
      panel.style.right = `${Math.max(margin, Math.min(right, window.innerWidth - width - margin))}px`;
      if (!rect || rect.top > window.innerHeight / 2) {
        const bottom = rect ? window.innerHeight - rect.top + margin : margin;
        panel.style.top = "auto";
        panel.style.bottom = `${bottom}px`;
        panel.style.maxHeight = `${Math.max(120, window.innerHeight - bottom - margin)}px`;
      } else {
        const top = rect.bottom + margin;
        panel.style.bottom = "auto";
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
    let observer = null;
    let scheduled = false;
    function startWatching() {
      if (observer) return;
      observer = new MutationObserver(() => {
        if (scheduled) return;
        scheduled = true;
        setTimeout(() => {
          scheduled = false;
          if (observer) ensureButton();
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
        if (ui.paste) ui.paste.value = "";
      }
    };
  }

  // src/main.js
  var LOG_PREFIX = "[ROSE-PartyMode]";
  var NOTE_MS = 15e3;
  var log = (...args) => console.log(LOG_PREFIX, ...args);
  var warn = (...args) => console.warn(LOG_PREFIX, ...args);
  var nowSeconds = () => Date.now() / 1e3;
  function readOptions() {
    return Object.assign(
      {
        host: "127.0.0.1",
        firstPort: 5e4,
        lastPort: 50010,
        // Written by `webrtc-party serve --plugin-dir` into this plugin's folder; Pengu Loader
        // serves the folder to the League client's page only (docs/bridge.md, Security).
        keyUrl: "https://plugins/ROSE-PartyMode/bridge-key.json",
        sharedBridgeWaitMs: 1e4,
        // as Rose's plugins wait for window.__roseBridge
        probeTimeoutMs: 1500,
        retryMinMs: 500,
        retryMaxMs: 1e4,
        removeTimeoutMs: 1e4
        // Rose answers a removal only when it worked
      },
      window.__rosePartyModeOptions || {}
    );
  }
  function createPanel(options) {
    const transport = createTransport(options, { log, warn });
    let bridge = null;
    let state = initialState();
    function send(obj) {
      if (!bridge || !state.bridgeReady) return false;
      return bridge.send(obj) !== false;
    }
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
        if (send({ type: MSG.enable })) dispatch({ type: PANEL.inviteSent });
      },
      paste(text) {
        const sent = state.enabled ? send({ type: MSG.addPeer, token: text }) : send({ type: MSG.enable });
        if (sent) dispatch({ type: PANEL.pasteSent, text });
      },
      remove(member) {
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
          dispatch({ type: PANEL.chatAsk });
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
      }
    };
    const view = createView({ qrUrl, actions, now: nowSeconds });
    function run(effect) {
      switch (effect.do) {
        case "send":
          if (!send(effect.message)) dispatch(effect.failed);
          break;
        case "clear-paste":
          view.clearPaste();
          break;
        case "note-timer":
          setTimeout(() => dispatch({ type: PANEL.noteTimeout, serial: effect.serial }), NOTE_MS);
          break;
        case "remove-timer": {
          const { key, serial, riotId } = effect;
          setTimeout(() => dispatch({ type: PANEL.removeTimeout, key, serial, riotId }), options.removeTimeoutMs);
          break;
        }
        case "phase":
          if (effect.phase === "InProgress") {
            view.stopWatching();
            log("game in progress: DOM watchers paused");
          } else if (!view.watching()) {
            view.startWatching();
          }
          break;
        default:
          warn("unknown effect", effect);
      }
    }
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
      setInterval(view.tick, 1e3);
      view.render(state);
      bridge = await transport.pickBridge();
      log(bridge.own ? "using its own bridge connection" : "using the shared Rose bridge");
      for (const type of Object.values(MSG)) bridge.subscribe(type, dispatch);
      const onConnected = () => {
        dispatch({ type: PANEL.connected });
        bridge.send({ type: MSG.getState });
      };
      if (typeof bridge.onStatus === "function") {
        bridge.onStatus((ready) => dispatch({ type: PANEL.status, ready }));
      } else {
        setInterval(() => dispatch({ type: PANEL.status, ready: bridge.ready !== false }), 1e3);
      }
      if (typeof bridge.onReady === "function") bridge.onReady(onConnected);
      else onConnected();
    }
    return { start };
  }
  function boot(options) {
    createPanel(options).start().catch((err) => warn("failed to start", err));
  }
  if (!window.__rosePartyModeLoaded) {
    window.__rosePartyModeLoaded = true;
    const options = readOptions();
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => boot(options), { once: true });
    else boot(options);
  }
})();
