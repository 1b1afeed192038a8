/* live.js: the workspace's server-sent events, read with fetch() as the page is signed
   in (the session cookie, or a token in the Authorization header: EventSource cannot
   send headers, and tokens never go in URLs). Parses the text/event-stream body itself,
   reconnects with backoff after a dropped connection, and calls onOpen on every
   (re)connect so the page re-reads and misses nothing. A stream the server ends is
   checked at once: if access was taken away (signed out, removed, token revoked) the
   page is told (H.lost) instead of reconnecting. Shows the state in the top bar. A
   `notification` event goes to the bell (H.onNotification, notify.js), not the page. */
(function () {
  'use strict';
  var H = window.Herald;

  /** Feeds text chunks, calls emit(name, data) per complete event (the SSE rules: blank
      line ends an event, `:` lines are comments, `data` lines join with newlines). */
  H.sseParser = function (emit) {
    var buf = '', name = '', data = [], hasData = false;
    function line(l) {
      if (l === '') {
        if (hasData) emit(name || 'message', data.join('\n'));
        name = ''; data = []; hasData = false;
        return;
      }
      if (l.charAt(0) === ':') return;
      var i = l.indexOf(':');
      var field = i < 0 ? l : l.slice(0, i);
      var value = i < 0 ? '' : l.slice(i + 1);
      if (value.charAt(0) === ' ') value = value.slice(1);
      if (field === 'event') name = value;
      else if (field === 'data') { data.push(value); hasData = true; }
    }
    return function (chunk) {
      buf += chunk;
      var m;
      var re = /\r\n|\r|\n/g;
      var start = 0;
      while ((m = re.exec(buf))) {
        // A lone \r at the very end may be half of \r\n: wait for more.
        if (m[0] === '\r' && m.index === buf.length - 1) break;
        line(buf.slice(start, m.index));
        start = m.index + m[0].length;
      }
      buf = buf.slice(start);
    };
  };

  /** Subscribes to /api/workspaces/{ws}/events.
      handlers: onOpen() on each connect, onEvent(name, data) per event. */
  H.live = function (ws, handlers) {
    var attempt = 0, controller = null, retryTimer = null, watchdog = null, stopped = false;
    var el = H.$('#live');
    var SILENCE_MS = 45000; // the server sends a keep-alive comment every 15 s

    /** The state for everyone; the countdown only for the eye (it would be read out
        every second otherwise). */
    function show(state, text, countdown) {
      if (!el) return;
      var label = H.$('.live-text', el);
      if (el.dataset.state !== state || label.textContent !== text) label.textContent = text;
      el.dataset.state = state;
      H.$('.live-count', el).textContent = countdown || '';
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
      var init = H.authInit('GET', { Accept: 'text/event-stream' });
      init.cache = 'no-store';
      init.signal = controller.signal;
      fetch(H.wsPath(ws, '/events'), init).then(function (res) {
        if (res.status === 401) { stopped = true; H.lost('signed_out'); return; }
        if (res.status === 404) return H.checkAccess().then(function (allowed) { if (!allowed) stopped = true; });
        if (!res.ok || !res.body) throw new Error('events answered ' + res.status);
        attempt = 0;
        show('open', 'Live');
        kick();
        if (handlers.onOpen) handlers.onOpen();
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        var feed = H.sseParser(function (name, data) {
          var parsed = null;
          try { parsed = data ? JSON.parse(data) : null; } catch (e) { parsed = null; }
          if (name === 'notification') { if (H.onNotification) H.onNotification(parsed); return; }
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
      return H.checkAccess().then(function (allowed) { if (!allowed) stopped = true; });
    }
    window.addEventListener('online', function () {
      if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; attempt = 0; connect(); }
    });
    window.addEventListener('pagehide', function () { stopped = true; if (controller) controller.abort(); });
    connect();
    return (H.connection = {
      stop: function () { stopped = true; if (controller) controller.abort(); },
      /** Drops the current connection as a network failure would (it then reconnects). */
      drop: function () { if (controller) controller.abort(); }
    });
  };

  /** Runs `fn` at most once at a time; calls made meanwhile coalesce into one more run. */
  H.coalesce = function (fn) {
    var running = false, again = false;
    function run() {
      if (running) { again = true; return; }
      running = true;
      Promise.resolve().then(fn).catch(function () {}).then(function () {
        running = false;
        if (again) { again = false; run(); }
      });
    }
    return run;
  };
}());
