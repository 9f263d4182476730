// How the panel reaches a bridge (docs/panel.md, Finding the bridge): the key file of
// `webrtc-party serve`, Rose's shared window.__roseBridge, or its own WebSocket with Rose's
// port discovery. Every bridge has the shape of ROSE-SkinMonitor's: send, subscribe, and
// (ours) onReady / onStatus.

/** The transport for `options` (host, ports, key file, timeouts; see main.js). */
export function createTransport(options, { log, warn }) {
  function safeCall(fn, ...args) {
    try {
      fn(...args);
    } catch (err) {
      warn('listener failed', err);
    }
  }

  /** This launch's key and port of `webrtc-party serve`, or null (no serve running). */
  async function readBridgeKey() {
    try {
      const response = await fetch(`${options.keyUrl}?t=${Date.now()}`, { cache: 'no-store' });
      if (!response.ok) return null;
      const info = await response.json();
      const port = Number(info && info.port);
      if (!Number.isInteger(port) || port <= 0 || port > 65535 || typeof info.key !== 'string' || !info.key) return null;
      return { port, key: info.key };
    } catch {
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
        } catch {
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
    } catch {
      if (controller.signal.aborted) return 'no';
      try {
        await fetch(url, { signal: controller.signal, cache: 'no-store', mode: 'no-cors' });
        return 'maybe';
      } catch {
        return 'no';
      }
    } finally {
      clearTimeout(timer);
    }
  }

  function rememberPort(port) {
    try {
      localStorage.setItem('rose_bridge_port', String(port));
    } catch {
      /* storage may be unavailable */
    }
  }

  function forgetPort(port) {
    try {
      if (localStorage.getItem('rose_bridge_port') === String(port)) localStorage.removeItem('rose_bridge_port');
    } catch {
      /* storage may be unavailable */
    }
  }

  /** Rose's discovery: the remembered port, then the first, then all of them at once. */
  async function discoverPort() {
    let saved = NaN;
    try {
      saved = Number(localStorage.getItem('rose_bridge_port'));
    } catch {
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

  return { readBridgeKey, pickBridge };
}
