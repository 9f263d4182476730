// window.__roseBridge as Rose's ROSE-SkinMonitor plugin publishes it (Rose 59922fc), written
// for the tests from reading that plugin: find the port (the one remembered in
// localStorage.rose_bridge_port, checked with GET /bridge-port; then 50000, 50001; then
// 50000-50010 at once), publish a frozen object with send / subscribe / unsubscribe / onReady
// and `port` / `ready` getters, open ws://127.0.0.1:<port>, queue what is sent while closed,
// hand every JSON message to the subscribers of its `type`, call the onReady callbacks on
// every (re)connect, retry with a doubling delay (1 s .. 30 s).
(() => {
  const subscribers = new Map();
  const readyCallbacks = new Set();
  const queue = [];
  let port = 50000;
  let socket = null;
  let ready = false;
  let delay = 1000;
  let retry = null;

  async function askPort(p, ms) {
    try {
      const response = await fetch(`http://127.0.0.1:${p}/bridge-port`, { signal: AbortSignal.timeout(ms) });
      if (!response.ok) return null;
      const value = parseInt((await response.text()).trim(), 10);
      return Number.isNaN(value) || value <= 0 ? null : value;
    } catch (_) {
      return null;
    }
  }

  async function findPort() {
    const cached = parseInt(localStorage.getItem('rose_bridge_port') || '', 10);
    if (!Number.isNaN(cached) && cached > 0) {
      // Rose gives the remembered port 50 ms; a fresh browser context's first request on
      // this shared test machine needs more, so the stand-in allows 1 s.
      const found = await askPort(cached, 1000);
      if (found) return found;
      localStorage.removeItem('rose_bridge_port');
    }
    for (const p of [50000, 50001]) {
      const found = await askPort(p, 50);
      if (found) return found;
    }
    const all = [];
    for (let p = 50000; p <= 50010; p += 1) all.push(askPort(p, 100));
    const results = await Promise.all(all);
    return results.find((v) => v) || 50000;
  }

  function notify(data) {
    const subs = subscribers.get(data && data.type);
    if (!subs) return;
    for (const cb of subs) {
      try {
        cb(data);
      } catch (err) {
        console.warn('[SkinMonitor stand-in] subscriber failed', err);
      }
    }
  }

  function send(obj) {
    const text = JSON.stringify(obj);
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
    else {
      queue.push(text);
      connect();
    }
  }

  function scheduleRetry() {
    if (ready || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect();
    }, delay);
    delay = Math.min(delay * 2, 30000);
  }

  function connect() {
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return;
    socket = new WebSocket(`ws://127.0.0.1:${port}`);
    socket.addEventListener('open', () => {
      ready = true;
      delay = 1000;
      while (queue.length) socket.send(queue.shift());
      for (const cb of readyCallbacks) cb();
    });
    socket.addEventListener('message', (event) => {
      let data = null;
      try {
        data = JSON.parse(event.data);
      } catch (_) {
        return;
      }
      notify(data);
    });
    socket.addEventListener('close', () => {
      ready = false;
      scheduleRetry();
    });
    socket.addEventListener('error', () => {
      ready = false;
      scheduleRetry();
    });
  }

  (async () => {
    port = await findPort();
    localStorage.setItem('rose_bridge_port', String(port));
    window.__roseBridge = Object.freeze({
      send,
      subscribe(type, cb) {
        if (!subscribers.has(type)) subscribers.set(type, new Set());
        subscribers.get(type).add(cb);
      },
      unsubscribe(type, cb) {
        const subs = subscribers.get(type);
        if (subs) subs.delete(cb);
      },
      onReady(cb) {
        readyCallbacks.add(cb);
        if (ready) cb();
      },
      get port() {
        return port;
      },
      get ready() {
        return ready;
      },
    });
    connect();
  })();
})();
