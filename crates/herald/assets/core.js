/* core.js: what every Herald page shares. How the page is signed in (a person's
   HttpOnly session cookie, with the CSRF token from GET /api/me on every write; or a
   machine's access token kept in this tab's sessionStorage and sent only as a bearer
   header, never in a URL), API calls with Herald's error format, drafts kept across a
   forced sign-in, field errors, a tiny DOM builder, toasts, and times in the
   workspace's zone. Exposed as window.Herald. */
(function () {
  'use strict';

  var H = (window.Herald = {});
  var cfgEl = document.getElementById('herald-config');
  H.config = cfgEl ? JSON.parse(cfgEl.textContent) : {};
  H.platforms = {};
  (H.config.platforms || []).forEach(function (p) { H.platforms[p.id] = p; });
  H.statusLabels = {};
  (H.config.statuses || []).forEach(function (s) { H.statusLabels[s.id] = s.label; });

  /* ---- how this tab is signed in ---- */
  var TOKEN_KEY = 'herald.session';
  /** A machine's token sign-in, for this tab only: {token, workspace_id} or null. */
  H.tokenSession = {
    get: function () {
      try { var s = JSON.parse(sessionStorage.getItem(TOKEN_KEY)); return s && s.token ? s : null; } catch (e) { return null; }
    },
    set: function (s) { sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token: s.token, workspace_id: s.workspace_id })); },
    clear: function () { sessionStorage.removeItem(TOKEN_KEY); }
  };
  /** Who is signed in (GET /api/me), filled by chrome.js; the CSRF token for writes. */
  H.me = null;
  H.csrf = null;

  /* ---- drafts: what was typed survives a reload, a closed tab's restore and a trip
     through sign-in (this tab's sessionStorage); leaving with unsaved text asks first ---- */
  var DRAFTS_KEY = 'herald.drafts';
  function readDrafts() {
    try { return JSON.parse(sessionStorage.getItem(DRAFTS_KEY)) || {}; } catch (e) { return {}; }
  }
  /** The key of a post form's draft: workspace, form, post. */
  H.draftKey = function (form) { return [H.config.workspace_id || '', form.id, H.config.post_id || ''].join('|'); };
  H.drafts = {
    /** Keeps the content of every post form with unsaved text in it (this tab only);
        a form saved or emptied since drops its draft. */
    save: function () {
      var all = readDrafts();
      H.$$('form.post-form').forEach(function (form) {
        var text = H.$('textarea[name="text"]', form);
        if (!text || !text.value.trim() || form.dataset.dirty === 'false') { delete all[H.draftKey(form)]; return; }
        all[H.draftKey(form)] = {
          text: text.value,
          platforms: H.$$('input[name="platforms"]:checked', form).map(function (b) { return b.value; }),
          schedule_at: (H.$('input[name="schedule_at"]', form) || {}).value || '',
          media_urls: (H.$('textarea[name="media_urls"]', form) || {}).value || '',
          saved_at: Date.now()
        };
      });
      try { sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(all)); } catch (e) { /* full: nothing to do */ }
    },
    /** The draft of `form`, removed from storage; null if none (or older than a day). */
    take: function (form) {
      var all = readDrafts();
      var key = H.draftKey(form);
      var d = all[key];
      if (!d) return null;
      delete all[key];
      sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(all));
      return Date.now() - d.saved_at < 86400000 ? d : null;
    },
    any: function () { return Object.keys(readDrafts()).length > 0; }
  };

  var leaving = false, autosave = null;
  document.addEventListener('input', function (e) {
    if (!e.target.closest || !e.target.closest('form.post-form')) return;
    clearTimeout(autosave);
    autosave = setTimeout(H.drafts.save, 400);
  });
  window.addEventListener('pagehide', function () { H.drafts.save(); });
  window.addEventListener('beforeunload', function (e) {
    H.drafts.save();
    if (leaving || !H.$$('form.post-form[data-dirty="true"]').length) return;
    e.preventDefault();
    e.returnValue = ''; // the browser asks "Leave site? Changes you made may not be saved."
  });

  /** Sends the user to sign in, remembering where they were (a path, never a secret)
      and keeping what they typed. Without a reason (nobody was signed in) the sign-in
      page takes this page's place in the history. */
  H.toSignIn = function (reason) {
    H.drafts.save();
    leaving = true; // on purpose, with the drafts kept: no question
    if (reason) H.tokenSession.clear();
    var q = '?next=' + encodeURIComponent(location.pathname);
    if (reason) q += '&reason=' + encodeURIComponent(reason);
    if (reason) location.assign('/' + q); else location.replace('/' + q);
  };

  /* ---- API ---- */
  function ApiError(status, body, res) {
    var e = (body && body.error) || {};
    this.name = 'ApiError';
    this.status = status;
    this.code = e.code || (status ? 'http_' + status : 'network');
    this.message = e.message || (status ? 'The server answered ' + status : 'Herald could not be reached; check the connection');
    this.details = e.details || {};
    this.field = this.details.field || null;
    var retry = res && Number(res.headers.get('Retry-After'));
    this.retryAfter = retry > 0 ? retry : null;
  }
  ApiError.prototype = Object.create(Error.prototype);
  H.ApiError = ApiError;

  /** The request options for a call as this tab is signed in. */
  H.authInit = function (method, extra) {
    var headers = Object.assign({}, extra || {});
    var t = H.tokenSession.get();
    if (t) {
      headers.Authorization = 'Bearer ' + t.token;
      return { headers: headers, credentials: 'omit' };
    }
    if (method !== 'GET' && method !== 'HEAD' && H.csrf) headers['X-CSRF-Token'] = H.csrf;
    return { headers: headers, credentials: 'same-origin' };
  };

  /** Calls the JSON API. Rejects with an ApiError. opts.quiet: a 401 or 404 is only
      reported (no "signed out" handling); opts.token: use this bearer token. */
  H.api = function (method, path, body, opts) {
    opts = opts || {};
    var init;
    if (opts.token) init = { headers: { Authorization: 'Bearer ' + opts.token }, credentials: 'omit' };
    else init = H.authInit(method);
    init.method = method;
    init.cache = 'no-cache';
    init.headers.Accept = 'application/json';
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    if (opts.signal) init.signal = opts.signal;
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
        if (res.ok) return data;
        var err = new ApiError(res.status, data, res);
        // The CSRF token changed (signed in again in another tab): learn it, try once more.
        if (err.code === 'csrf' && !opts.retried && !opts.token) {
          return H.api('GET', '/api/me', undefined, { quiet: true }).then(function (me) {
            H.csrf = me.csrf_token;
            return H.api(method, path, body, Object.assign({}, opts, { retried: true }));
          }, function () { throw err; });
        }
        if (!opts.quiet && !opts.token) H.accessProblem(err, path);
        throw err;
      });
    }, function (err) {
      if (err && err.name === 'AbortError') throw err;
      throw new ApiError(0, null);
    });
  };
  /** A 401 means this tab is no longer signed in; a 404 on this workspace may mean the
      person was removed from it. chrome.js decides (H.checkAccess, H.lost). */
  H.accessProblem = function (err, path) {
    if (err.status === 401 && H.lost) H.lost('signed_out');
    var ws = H.config.workspace_id;
    if (err.status === 404 && ws && H.checkAccess && path.indexOf(H.wsPath(ws)) === 0) H.checkAccess();
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
    slot.textContent = H.sentence(err);
    slot.hidden = false;
    if (err.field) {
      var input = H.$('[name="' + cssEscape(err.field) + '"]', root);
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
    }
    return slot;
  };
  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/"/g, '\\"'); }
  /** An error as a sentence a person can act on. */
  H.sentence = function (err) {
    if (err.code === 'rate_limited') return 'Too many attempts in a short time. Try again' + (err.retryAfter ? ' in ' + err.retryAfter + ' s.' : ' shortly.');
    if (err.status === 403 && err.code === 'forbidden') return 'Your role does not allow this. ' + err.message.charAt(0).toUpperCase() + err.message.slice(1) + '.';
    var m = String(err.message || '');
    m = m.charAt(0).toUpperCase() + m.slice(1);
    return /[.!?]$/.test(m) ? m : m + '.';
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

  /** Puts `text` on the clipboard (a selected field and the copy command where the
      clipboard API is not offered, as on plain http). */
  H.copy = function (text, field) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      if (field) { field.focus(); field.select(); }
      (document.execCommand && document.execCommand('copy')) ? resolve() : reject(new Error('copy'));
    });
  };

  /* ---- time, in the workspace's zone, always labelled ---- */
  H.tz = 'UTC';
  var formats = {};
  /** A formatter in the workspace's zone (made once per zone and options). */
  function fmt(opts) {
    var key = H.tz + JSON.stringify(opts);
    return formats[key] || (formats[key] = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: H.tz }, opts)));
  }
  /** "Dec 2, 2026, 10:00 AM CET": date, time and the zone's short name. */
  H.fmtDateTime = function (iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return fmt({ dateStyle: 'medium', timeStyle: 'short' }).format(d) + ' ' + H.zoneAbbr(d);
  };
  H.fmtTime = function (iso) { return iso ? fmt({ timeStyle: 'short' }).format(new Date(iso)) + ' ' + H.zoneAbbr(new Date(iso)) : '—'; };
  H.fmtDay = function (date) { return fmt({ day: 'numeric', month: 'short' }).format(date); };
  /** The workspace zone's short name at an instant ("CET", "GMT+2"). */
  H.zoneAbbr = function (d) {
    var part = fmt({ timeZoneName: 'short', hour: 'numeric' }).formatToParts(d).filter(function (p) { return p.type === 'timeZoneName'; })[0];
    return part ? part.value : H.tz;
  };
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

  /** Roles weakest first, as the server ships them in the page config. */
  H.RANK = {};
  (H.config.roles || []).forEach(function (r, i) { H.RANK[r] = i; });
  H.roleLabel = function (r) { return r ? r.charAt(0).toUpperCase() + r.slice(1) : ''; };
  /** Whether the role in this workspace (H.role, set by chrome.js) is at least `role`. */
  H.roleAtLeast = function (role) { return !!(H.role && H.RANK[H.role] >= H.RANK[role]); };
  /** Whether an actor id is the signed-in principal. */
  H.isMe = function (actor) { return !!(H.me && actor && actor === H.me.actor); };
  /** An actor by name: the name the API gave, "(you)" added for the signed-in one. */
  H.personLabel = function (actor, name) {
    var label = name || (actor ? 'someone' : 'Ayrshare');
    return H.isMe(actor) ? label + ' (you)' : label;
  };
}());
