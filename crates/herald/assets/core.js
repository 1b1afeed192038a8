/* core.js: what every Herald page shares. How the page is signed in (a person's
   HttpOnly session cookie, with the CSRF token from GET /api/me on every write; or a
   machine's access token kept in this tab's sessionStorage and sent only as a bearer
   header, never in a URL), API calls with Herald's error format, drafts kept across a
   forced sign-in, field errors, a tiny DOM builder, toasts, and times in the
   workspace's zone. An ES module, as every page script is: pages import what they use
   (no global); the pure parts live in modules of their own (time.js, text.js, sse.js,
   filter-query.js) that run under `node --test` too. */
import * as time from './time.js';
import { sentence } from './text.js';

export { sentence } from './text.js';

/** What the page learns as it runs: who is signed in (GET /api/me) and the CSRF token
    for writes (chrome.js, signin.js), the role in this workspace and the workspace
    itself with its time zone (chrome.js), and the open event stream (live.js). */
export const session = { me: null, csrf: null, role: null, workspace: null, tz: 'UTC', connection: null };

/** What core.js does when access ends, filled by chrome.js (a page without it has
    none): `lost(reason)` and `checkAccess()`. */
export const access = { lost: null, checkAccess: null };

var cfgEl = document.getElementById('herald-config');
export const config = cfgEl ? JSON.parse(cfgEl.textContent) : {};
/** The networks as the server ships them in the page config, by id: {id, label, limit}. */
export const platformInfo = {};
(config.platforms || []).forEach(function (p) { platformInfo[p.id] = p; });
export const statusLabels = {};
(config.statuses || []).forEach(function (s) { statusLabels[s.id] = s.label; });

/* ---- how this tab is signed in ---- */
var TOKEN_KEY = 'herald.session';
/** A machine's token sign-in, for this tab only: {token, workspace_id} or null. */
export const tokenSession = {
  get: function () {
    try { var s = JSON.parse(sessionStorage.getItem(TOKEN_KEY)); return s && s.token ? s : null; } catch (e) { return null; }
  },
  set: function (s) { sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token: s.token, workspace_id: s.workspace_id })); },
  clear: function () { sessionStorage.removeItem(TOKEN_KEY); }
};
/* ---- drafts: what was typed survives a reload, a closed tab's restore and a trip
   through sign-in (this tab's sessionStorage); leaving with unsaved text asks first ---- */
var DRAFTS_KEY = 'herald.drafts';
function readDrafts() {
  try { return JSON.parse(sessionStorage.getItem(DRAFTS_KEY)) || {}; } catch (e) { return {}; }
}
/** The key of a post form's draft: workspace, form, post. */
export function draftKey(form) { return [config.workspace_id || '', form.id, config.post_id || ''].join('|'); }
export const drafts = {
  /** Keeps the content of every post form with unsaved text in it (this tab only);
      a form saved or emptied since drops its draft. */
  save: function () {
    var all = readDrafts();
    $$('form.post-form').forEach(function (form) {
      var text = $('textarea[name="text"]', form);
      if (!text || !text.value.trim() || form.dataset.dirty === 'false') { delete all[draftKey(form)]; return; }
      all[draftKey(form)] = {
        text: text.value,
        platforms: $$('input[name="platforms"]:checked', form).map(function (b) { return b.value; }),
        schedule_at: ($('input[name="schedule_at"]', form) || {}).value || '',
        media_urls: ($('textarea[name="media_urls"]', form) || {}).value || '',
        saved_at: Date.now()
      };
    });
    try { sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(all)); } catch (e) { /* full: nothing to do */ }
  },
  /** The draft of `form`, removed from storage; null if none (or older than a day). */
  take: function (form) {
    var all = readDrafts();
    var key = draftKey(form);
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
  autosave = setTimeout(drafts.save, 400);
});
window.addEventListener('pagehide', function () { drafts.save(); });
window.addEventListener('beforeunload', function (e) {
  drafts.save();
  if (leaving || !$$('form.post-form[data-dirty="true"]').length) return;
  e.preventDefault();
  e.returnValue = ''; // the browser asks "Leave site? Changes you made may not be saved."
});

/** Sends the user to sign in, remembering where they were (a path, never a secret)
    and keeping what they typed. Without a reason (nobody was signed in) the sign-in
    page takes this page's place in the history. */
export function toSignIn(reason) {
  drafts.save();
  leaving = true; // on purpose, with the drafts kept: no question
  if (reason) tokenSession.clear();
  var q = '?next=' + encodeURIComponent(location.pathname);
  if (reason) q += '&reason=' + encodeURIComponent(reason);
  if (reason) location.assign('/' + q); else location.replace('/' + q);
}

/* ---- API ---- */
export function ApiError(status, body, res) {
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

/** The request options for a call as this tab is signed in. */
export function authInit(method, extra) {
  var headers = Object.assign({}, extra || {});
  var t = tokenSession.get();
  if (t) {
    headers.Authorization = 'Bearer ' + t.token;
    return { headers: headers, credentials: 'omit' };
  }
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  return { headers: headers, credentials: 'same-origin' };
}

/** Calls the JSON API. Rejects with an ApiError. opts.quiet: a 401 or 404 is only
    reported (no "signed out" handling); opts.token: use this bearer token. */
export function api(method, path, body, opts) {
  opts = opts || {};
  var init;
  if (opts.token) init = { headers: { Authorization: 'Bearer ' + opts.token }, credentials: 'omit' };
  else init = authInit(method);
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
        return api('GET', '/api/me', undefined, { quiet: true }).then(function (me) {
          session.csrf = me.csrf_token;
          return api(method, path, body, Object.assign({}, opts, { retried: true }));
        }, function () { throw err; });
      }
      if (!opts.quiet && !opts.token) accessProblem(err, path);
      throw err;
    });
  }, function (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, null);
  });
}
/** A 401 means this tab is no longer signed in; a 404 on this workspace may mean the
    person was removed from it. chrome.js decides (access.checkAccess, access.lost). */
export function accessProblem(err, path) {
  if (err.status === 401 && access.lost) access.lost('signed_out');
  var ws = config.workspace_id;
  if (err.status === 404 && ws && access.checkAccess && path.indexOf(wsPath(ws)) === 0) access.checkAccess();
}

export function wsPath(ws, rest) { return '/api/workspaces/' + encodeURIComponent(ws) + (rest || ''); }

/* ---- DOM ---- */
/** h('div', {class: 'x', onclick: fn, dataset: {id: 1}}, child, 'text', [more]) */
export function h(tag, attrs) {
  var el = document.createElement(tag);
  setAttrs(el, attrs);
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}
var SVGNS = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs) {
  var el = document.createElementNS(SVGNS, tag);
  setAttrs(el, attrs);
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}
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
export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
export function $(sel, root) { return (root || document).querySelector(sel); }
export function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

/* ---- errors next to what they concern ---- */
/** Clears the field errors of a form or region. */
export function clearErrors(root) {
  $$('[data-error-for]', root).forEach(function (p) { p.hidden = true; p.textContent = ''; });
  $$('[aria-invalid]', root).forEach(function (i) { i.removeAttribute('aria-invalid'); });
}
/** Shows an API error next to its field (error.details.field), else in the region's
    `_form` slot. Returns the element used. */
export function showError(root, err) {
  var slot = err.field && $('[data-error-for="' + cssEscape(err.field) + '"]', root);
  if (!slot) slot = $('[data-error-for="_form"]', root);
  if (!slot) return null;
  slot.textContent = sentence(err);
  slot.hidden = false;
  if (err.field) {
    var input = $('[name="' + cssEscape(err.field) + '"]', root);
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  }
  return slot;
}
function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/"/g, '\\"'); }

/* ---- toasts ---- */
export function toast(text, tone) {
  var box = document.getElementById('toasts');
  if (!box) return;
  var t = h('div', { class: 'toast', dataset: { tone: tone || 'info' } }, text);
  box.appendChild(t);
  setTimeout(function () { t.classList.add('leaving'); }, 4200);
  setTimeout(function () { t.remove(); }, 4700);
}

/** Puts `text` on the clipboard (a selected field and the copy command where the
    clipboard API is not offered, as on plain http). */
export function copy(text, field) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  return new Promise(function (resolve, reject) {
    if (field) { field.focus(); field.select(); }
    (document.execCommand && document.execCommand('copy')) ? resolve() : reject(new Error('copy'));
  });
}

/* ---- time, in the workspace's zone (time.js, bound to session.tz) ---- */
/** "Dec 2, 2026, 10:00 AM CET": date, time and the zone's short name. */
export function fmtDateTime(iso) { return time.fmtDateTime(iso, session.tz); }
export function fmtTime(iso) { return time.fmtTime(iso, session.tz); }
export function fmtDay(date) { return time.fmtDay(date, session.tz); }
/** The workspace zone's short name at an instant ("CET", "GMT+2"). */
export function zoneAbbr(d) { return time.zoneAbbr(d, session.tz); }
/** 'YYYY-MM-DD' of an instant in the workspace zone. */
export function dayKey(ms) { return time.dayKey(ms, session.tz); }
export { ago, instantToLocal, zonedToRfc3339 } from './time.js';

/** Only http(s) links are followed (post URLs can come from Ayrshare's data). */
export function safeUrl(u) { return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null; }

/** Roles weakest first, as the server ships them in the page config. */
export const RANK = {};
(config.roles || []).forEach(function (r, i) { RANK[r] = i; });
export function roleLabel(r) { return r ? r.charAt(0).toUpperCase() + r.slice(1) : ''; }
/** Whether the role in this workspace (session.role, set by chrome.js) is at least `role`. */
export function roleAtLeast(role) { return !!(session.role && RANK[session.role] >= RANK[role]); }
/** Whether an actor id is the signed-in principal. */
export function isMe(actor) { return !!(session.me && actor && actor === session.me.actor); }
/** An actor by name: the name the API gave, "(you)" added for the signed-in one. */
export function personLabel(actor, name) {
  var label = name || (actor ? 'someone' : 'Ayrshare');
  return isMe(actor) ? label + ' (you)' : label;
}
