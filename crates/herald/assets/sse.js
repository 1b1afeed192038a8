/* sse.js: the event stream's pure half. A text/event-stream parser fed the body in
   chunks as they arrive (split anywhere, even between \r and \n), and coalescing of
   re-reads (a burst of events makes one more run, never two at once). No page, no
   network: live.js reads the stream with them. Tested under `node --test`
   (test/sse.test.js). */

/** Feeds text chunks, calls emit(name, data) per complete event (the SSE rules: blank
    line ends an event, `:` lines are comments, `data` lines join with newlines). */
export function sseParser(emit) {
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
}

/** Runs `fn` at most once at a time; calls made meanwhile coalesce into one more run. */
export function coalesce(fn) {
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
}
