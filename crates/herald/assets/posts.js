/* posts.js: how posts read on every workspace page. Status badges, people by name
   (author_name / actor_name from the API, "(you)" for the signed-in one), per-platform
   results, what a post is waiting for, the character limits of the chosen networks,
   and what the signed-in role may do (the server's table from the page config). */
(function () {
  'use strict';
  var H = window.Herald;

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

  /** Whether the signed-in role may do `action` on a post in `status` (the server's table). */
  H.can = function (action, status) {
    var need = ((H.config.actions || {})[status] || {})[action];
    return !!(H.role && need && H.RANK[H.role] >= H.RANK[need]);
  };
  H.postUrl = function (ws, id) { return '/w/' + encodeURIComponent(ws) + '/posts/' + encodeURIComponent(id); };

  /** What a post waits for, in plain words; null when nothing. */
  H.waitingText = function (post) {
    if (post.waiting_for === 'ayrshare_limit') return "Waiting for Ayrshare's rate limit";
    return post.waiting_for ? 'Waiting (' + String(post.waiting_for).replace(/_/g, ' ') + ')' : null;
  };

  /** A 409: the post changed meanwhile (or its status no longer allows this). */
  H.isConflict = function (err) { return err && err.status === 409; };
  H.conflictText = function (err) {
    if (err.code === 'version_conflict') return 'Someone changed this post meanwhile. Reload it to see the current text.';
    return H.sentence(err) + ' The post changed meanwhile: reload it to see where it stands.';
  };
  /** Errors at create/submit that concern the chosen networks are shown by them. */
  H.platformError = function (err) {
    if (['platform_not_linked', 'x_credentials_required', 'network_cap'].indexOf(err.code) >= 0) {
      return Object.assign(Object.create(H.ApiError.prototype), err, { field: 'platforms' });
    }
    return err;
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

  /** When a post goes or went out, in words (with the zone). */
  H.scheduleText = function (post) {
    var done = post.status === 'published' || post.status === 'partially_published';
    if (done) return post.published_at ? 'Published ' + H.fmtDateTime(post.published_at) : 'Published';
    if (post.schedule_at) return H.fmtDateTime(post.schedule_at);
    if (post.status === 'pending_approval') return 'As soon as it is approved';
    if (['draft', 'changes_requested', 'rejected'].indexOf(post.status) >= 0) return 'Not planned yet';
    return '—';
  };
  /** True for a post waiting for approval whose planned time has passed. */
  H.overdue = function (post) {
    return post.status === 'pending_approval' && !!post.schedule_at && new Date(post.schedule_at).getTime() < Date.now();
  };
}());
