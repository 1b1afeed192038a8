/* live.js: the workspace's server-sent events, read with fetch() as the page is signed
   in (the session cookie, or a token in the Authorization header: EventSource cannot
   send headers, and tokens never go in URLs). Parses the text/event-stream body itself,
   reconnects with backoff after a dropped connection, and calls onOpen on every
   (re)connect so the page re-reads and misses nothing. A stream the server ends is
   checked at once: if access was taken away (signed out, removed, token revoked) the
   page is told (chrome.js's lost) instead of reconnecting. Shows the state in the top
   bar. A `notification` event goes to the bell (notify.js), not the page. The parser
   and coalescing are sse.js's (pure). The open connection is session.connection. */
import { checkAccess, lost } from './chrome.js';
import { $, authInit, session, wsPath } from './core.js';
import { onNotification } from './notify.js';
import { sseParser } from './sse.js';

export { coalesce } from './sse.js';

/** Subscribes to /api/workspaces/{ws}/events.
    handlers: onOpen() on each connect, onEvent(name, data) per event. */
export function live(ws, handlers) {
  var attempt = 0, controller = null, retryTimer = null, watchdog = null, stopped = false;
  var el = $('#live');
  var SILENCE_MS = 45000; // the server sends a keep-alive comment every 15 s

  /** The state for everyone; the countdown only for the eye (it would be read out
      every second otherwise). */
  function show(state, text, countdown) {
    if (!el) return;
    var label = $('.live-text', el);
    if (el.dataset.state !== state || label.textContent !== text) label.textContent = text;
    el.dataset.state = state;
    $('.live-count', el).textContent = countdown || '';
    el.title = state === 'open' ? 'Updates arrive as they happen' : text + (countdown || '');
  }
  function kick() {
    clearTimeout(watchdog);
    watchdog = setTimeout(function () { if (controller) controller.abort(); }, SILENCE_MS);
  }
  function retry() {
    if (stopped) return;
    var base = Math.min(30000, 1000 * Math.pow(2, attempt));
    var delay = Math.round(base * (0.5 + Math.random() * 0.5));
    attempt += 1;
    var until = Date.now() + delay;
    function tick() {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) { retryTimer = null; connect(); return; }
      show('retrying', 'Reconnecting', ' in ' + left + ' s');
      retryTimer = setTimeout(tick, Math.min(1000, until - Date.now()));
    }
    tick();
  }
  function connect() {
    if (stopped) return;
    controller = new AbortController();
    show('connecting', attempt ? 'Reconnecting…' : 'Connecting…');
    var init = authInit('GET', { Accept: 'text/event-stream' });
    init.cache = 'no-store';
    init.signal = controller.signal;
    fetch(wsPath(ws, '/events'), init).then(function (res) {
      if (res.status === 401) { stopped = true; lost('signed_out'); return; }
      if (res.status === 404) return checkAccess().then(function (allowed) { if (!allowed) stopped = true; });
      if (!res.ok || !res.body) throw new Error('events answered ' + res.status);
      attempt = 0;
      show('open', 'Live');
      kick();
      if (handlers.onOpen) handlers.onOpen();
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var feed = sseParser(function (name, data) {
        var parsed = null;
        try { parsed = data ? JSON.parse(data) : null; } catch (e) { parsed = null; }
        if (name === 'notification') { onNotification(parsed); return; }
        if (handlers.onEvent) handlers.onEvent(name, parsed);
      });
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) return ended();
          kick();
          feed(decoder.decode(r.value, { stream: true }));
          return pump();
        });
      }
      return pump();
    }).catch(function () { /* dropped: retried below */ }).then(function () {
      clearTimeout(watchdog);
      if (!stopped) retry();
    });
  }
  /** The server ended the stream: because access was taken away (then the page is
      told and nothing reconnects), or because it is restarting (reconnect). */
  function ended() {
    clearTimeout(watchdog);
    show('connecting', 'Checking access…');
    return checkAccess().then(function (allowed) { if (!allowed) stopped = true; });
  }
  window.addEventListener('online', function () {
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; attempt = 0; connect(); }
  });
  window.addEventListener('pagehide', function () { stopped = true; if (controller) controller.abort(); });
  connect();
  return (session.connection = {
    stop: function () { stopped = true; if (controller) controller.abort(); },
    /** Drops the current connection as a network failure would (it then reconnects). */
    drop: function () { if (controller) controller.abort(); }
  });
}
