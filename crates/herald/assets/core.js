/* core.js: what every Herald page shares. The session (token in sessionStorage, never
   in a URL), API calls with the Authorization header and Herald's error format, field
   errors, a tiny DOM builder, time formatting and conversion in the workspace's time
   zone, status badges, toasts and the top bar. Exposed as window.Herald. */
(function () {
  'use strict';

  var H = (window.Herald = {});
  var cfgEl = document.getElementById('herald-config');
  H.config = cfgEl ? JSON.parse(cfgEl.textContent) : {};
  H.platforms = {};
  (H.config.platforms || []).forEach(function (p) { H.platforms[p.id] = p; });
  H.statusLabels = {};
  (H.config.statuses || []).forEach(function (s) { H.statusLabels[s.id] = s.label; });

  /* ---- session ---- */
  var KEY = 'herald.session';
  H.session = {
    get: function () {
      try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch (e) { return null; }
    },
    set: function (s) { sessionStorage.setItem(KEY, JSON.stringify(s)); },
    clear: function () { sessionStorage.removeItem(KEY); }
  };

  /** Sends the user to sign in, remembering where they were (a path, never a token). */
  H.toSignIn = function (reason) {
    H.session.clear();
    var q = '?next=' + encodeURIComponent(location.pathname);
    if (reason) q += '&reason=' + encodeURIComponent(reason);
    location.replace('/' + q);
  };

  /** The session, or a redirect to sign in. */
  H.requireSession = function () {
    var s = H.session.get();
    if (!s || !s.token) { H.toSignIn(); return null; }
    return s;
  };

  /* ---- API ---- */
  function ApiError(status, body) {
    var e = (body && body.error) || {};
    this.name = 'ApiError';
    this.status = status;
    this.code = e.code || (status ? 'http_' + status : 'network');
    this.message = e.message || (status ? 'The server answered ' + status : 'Herald could not be reached; check the connection');
    this.details = e.details || {};
    this.field = this.details.field || null;
  }
  ApiError.prototype = Object.create(Error.prototype);
  H.ApiError = ApiError;

  /** Calls the JSON API with the session's token. Rejects with an ApiError. */
  H.api = function (method, path, body, opts) {
    opts = opts || {};
    var s = H.session.get();
    var headers = { Accept: 'application/json' };
    var token = opts.token || (s && s.token);
    if (token) headers.Authorization = 'Bearer ' + token;
    var init = { method: method, headers: headers, cache: 'no-cache', credentials: 'omit' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    if (opts.signal) init.signal = opts.signal;
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
        if (res.status === 401 && !opts.token) { H.toSignIn('expired'); }
        if (!res.ok) throw new ApiError(res.status, data);
        return data;
      });
    }, function (err) {
      if (err && err.name === 'AbortError') throw err;
      throw new ApiError(0, null);
    });
  };

  H.wsPath = function (ws, rest) { return '/api/workspaces/' + encodeURIComponent(ws) + (rest || ''); };

  /* ---- DOM ---- */
  /** h('div', {class: 'x', onclick: fn, dataset: {id: 1}}, child, 'text', [more]) */
  H.h = function (tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  };
  var SVGNS = 'http://www.w3.org/2000/svg';
  H.svg = function (tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  };
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'dataset') { Object.keys(v).forEach(function (d) { el.dataset[d] = v[d]; }); }
      else if (k === 'text') { el.textContent = v; }
      else if (k.slice(0, 2) === 'on' && typeof v === 'function') { el.addEventListener(k.slice(2), v); }
      else if (v === true) { el.setAttribute(k, ''); }
      else { el.setAttribute(k, String(v)); }
    });
  }
  function append(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  H.clear = function (el) { while (el.firstChild) el.removeChild(el.firstChild); return el; };
  H.$ = function (sel, root) { return (root || document).querySelector(sel); };
  H.$$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  /* ---- errors next to what they concern ---- */
  /** Clears the field errors of a form or region. */
  H.clearErrors = function (root) {
    H.$$('[data-error-for]', root).forEach(function (p) { p.hidden = true; p.textContent = ''; });
    H.$$('[aria-invalid]', root).forEach(function (i) { i.removeAttribute('aria-invalid'); });
  };
  /** Shows an API error next to its field (error.details.field), else in the region's
      `_form` slot. Returns the element used. */
  H.showError = function (root, err) {
    var slot = err.field && H.$('[data-error-for="' + cssEscape(err.field) + '"]', root);
    if (!slot) slot = H.$('[data-error-for="_form"]', root);
    if (!slot) return null;
    slot.textContent = err.message;
    slot.hidden = false;
    if (err.field) {
      var input = H.$('[name="' + cssEscape(err.field) + '"]', root);
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
    }
    return slot;
  };
  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/"/g, '\\"'); }

  /** A 409: the post changed meanwhile (or its status no longer allows this). */
  H.isConflict = function (err) { return err && err.status === 409; };
  H.conflictText = function (err) {
    if (err.code === 'version_conflict') {
      var v = err.details && err.details.current_version;
      return 'This post was changed meanwhile' + (v ? ' (it is now at version ' + v + ')' : '') + '. Reload it to see the current version.';
    }
    return err.message + '. The post changed meanwhile: reload it to see where it stands.';
  };

  /* ---- toasts ---- */
  H.toast = function (text, tone) {
    var box = document.getElementById('toasts');
    if (!box) return;
    var t = H.h('div', { class: 'toast', dataset: { tone: tone || 'info' } }, text);
    box.appendChild(t);
    setTimeout(function () { t.classList.add('leaving'); }, 4200);
    setTimeout(function () { t.remove(); }, 4700);
  };

  /* ---- time, in the workspace's zone ---- */
  H.tz = 'UTC';
  function fmt(opts) { return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: H.tz }, opts)); }
  H.fmtDateTime = function (iso) {
    if (!iso) return '—';
    return fmt({ dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  };
  H.fmtTime = function (iso) { return iso ? fmt({ timeStyle: 'medium' }).format(new Date(iso)) : '—'; };
  H.fmtDay = function (date) { return fmt({ day: 'numeric', month: 'short' }).format(date); };
  /** "just now", "5 min ago", "3 h ago", "2 days ago". */
  H.ago = function (iso) {
    var s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 0) s = 0;
    if (s < 10) return 'just now';
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    if (s < 86400) return Math.floor(s / 3600) + ' h ago';
    return Math.floor(s / 86400) + ' days ago';
  };

  /** The wall-clock fields of an instant in a zone. */
  function wall(tz, date) {
    var parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit'
    }).formatToParts(date);
    var o = {};
    parts.forEach(function (p) { o[p.type] = +p.value; });
    return o;
  }
  /** The zone's offset from UTC at an instant, in minutes. */
  function offsetAt(tz, ms) {
    var w = wall(tz, new Date(Math.floor(ms / 1000) * 1000));
    var asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  /** 'YYYY-MM-DD' of an instant in the workspace zone. */
  H.dayKey = function (ms) {
    var w = wall(H.tz, new Date(ms));
    return w.year + '-' + pad(w.month) + '-' + pad(w.day);
  };
  /** A datetime-local value ('YYYY-MM-DDTHH:MM'), read as wall time in `tz`, as RFC 3339
      with that zone's offset at that moment (e.g. 2026-07-08T12:30:00+02:00). A time that
      occurs twice (clocks going back) is the first one; a time that does not exist
      (clocks going forward) moves forward by the gap, as clocks do. */
  H.zonedToRfc3339 = function (local, tz) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
    if (!m) return null;
    var wallMs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    var before = offsetAt(tz, wallMs - 86400000), after = offsetAt(tz, wallMs + 86400000);
    var fits = [before, after].map(function (o) { return wallMs - o * 60000; }).filter(function (t) {
      return t + offsetAt(tz, t) * 60000 === wallMs;
    });
    var instant = fits.length ? Math.min.apply(null, fits) : wallMs - before * 60000;
    var off = offsetAt(tz, instant);
    var w = new Date(instant + off * 60000);
    var sign = off < 0 ? '-' : '+';
    var a = Math.abs(off);
    return w.getUTCFullYear() + '-' + pad(w.getUTCMonth() + 1) + '-' + pad(w.getUTCDate()) + 'T' +
      pad(w.getUTCHours()) + ':' + pad(w.getUTCMinutes()) + ':00' + sign + pad(Math.floor(a / 60)) + ':' + pad(a % 60);
  };
  /** An RFC 3339 instant as a datetime-local value in `tz`. */
  H.instantToLocal = function (iso, tz) {
    if (!iso) return '';
    var w = wall(tz, new Date(iso));
    return w.year + '-' + pad(w.month) + '-' + pad(w.day) + 'T' + pad(w.hour) + ':' + pad(w.minute);
  };

  /** Only http(s) links are followed (post URLs can come from Ayrshare's data). */
  H.safeUrl = function (u) { return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null; };

  /* ---- posts ---- */
  H.statusLabel = function (s) { return H.statusLabels[s] || s; };
  H.badge = function (status) {
    return H.h('span', { class: 'badge', dataset: { status: status } }, H.statusLabel(status));
  };
  H.platformLabel = function (id) { return (H.platforms[id] && H.platforms[id].label) || id; };
  /** Characters as the server counts them (Unicode scalar values). */
  H.charCount = function (text) { return Array.from(text || '').length; };
  /** The tightest limit among platforms: {platform, limit} or null. */
  H.tightest = function (platforms) {
    var best = null;
    (platforms || []).forEach(function (p) {
      var info = H.platforms[p];
      if (info && (!best || info.limit < best.limit)) best = { platform: p, limit: info.limit };
    });
    return best;
  };
  /** Roles weakest first, as the server ships them in the page config. */
  var RANK = {};
  (H.config.roles || []).forEach(function (r, i) { RANK[r] = i; });
  /** Whether the session may do `action` on a post in `status` (the server's table). */
  H.can = function (action, status) {
    var s = H.session.get();
    var need = ((H.config.actions || {})[status] || {})[action];
    return !!(s && need && RANK[s.role] >= RANK[need]);
  };
  H.roleAtLeast = function (role) { var s = H.session.get(); return !!(s && RANK[s.role] >= RANK[role]); };
  H.postUrl = function (ws, id) { return '/w/' + encodeURIComponent(ws) + '/posts/' + encodeURIComponent(id); };
  /** Who an actor string is, for people: "you", "admin" or "token …abcd". */
  H.actorLabel = function (actor) {
    var s = H.session.get();
    if (s && actor === s.actor) return 'you';
    if (!actor) return 'Ayrshare';
    if (actor.indexOf('token:') === 0) return 'token …' + actor.slice(-6);
    return actor;
  };
  /** Per-platform results: a chip per platform with its outcome and link. */
  H.platformResults = function (post) {
    var results = {};
    (post.platform_results || []).forEach(function (r) { results[r.platform] = r; });
    var names = (post.platforms || []).slice();
    Object.keys(results).forEach(function (p) { if (names.indexOf(p) < 0) names.push(p); });
    return H.h('ul', { class: 'platform-results' }, names.map(function (p) {
      var r = results[p];
      var state = r ? r.status : 'none';
      var label = H.platformLabel(p);
      var inner = r && H.safeUrl(r.post_url)
        ? H.h('a', { href: H.safeUrl(r.post_url), target: '_blank', rel: 'noopener noreferrer', title: 'Open on ' + label }, label)
        : H.h('span', null, label);
      return H.h('li', { class: 'pr', dataset: { state: state }, title: r && r.error ? r.error : null },
        H.h('span', { class: 'pr-dot', 'aria-hidden': 'true' }), inner,
        r && r.status === 'error' ? H.h('span', { class: 'visually-hidden' }, ' failed: ' + (r.error || 'error')) : null,
        r && r.status === 'success' ? H.h('span', { class: 'visually-hidden' }, ' published') : null);
    }));
  };

  /* ---- top bar ---- */
  /** Loads the workspace, fills the top bar and returns the workspace object. */
  H.initChrome = function (ws) {
    var s = H.session.get();
    var out = H.$('#sign-out');
    if (out) out.addEventListener('click', function () { H.session.clear(); location.assign('/'); });
    var role = H.$('#role');
    if (role && s) { role.textContent = s.role; role.hidden = false; }
    return H.api('GET', H.wsPath(ws)).then(function (w) {
      H.tz = w.timezone || 'UTC';
      H.workspace = w;
      var name = H.$('#ws-name');
      if (name) name.textContent = w.name;
      H.$$('.tz-name').forEach(function (el) { el.textContent = H.tz; });
      return w;
    });
  };
  /** The pending-approval count in the navigation. */
  H.setPendingNav = function (n) {
    var el = H.$('#nav-pending');
    if (!el) return;
    el.hidden = !n;
    H.$('.n', el).textContent = n ? String(n) : '';
  };
  /** Shows a failure to load in the page's main region. */
  H.fatal = function (err) {
    var main = H.$('#main');
    var text = err.status === 404 ? 'This workspace or post does not exist, or your token has no access to it.' : err.message;
    main.insertBefore(H.h('div', { class: 'banner', dataset: { tone: 'bad' }, role: 'alert' }, text), main.firstChild);
  };
}());
