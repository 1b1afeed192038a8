/* posts.js: how posts read on every workspace page. Status badges, people by name
   (author_name / actor_name from the API, "(you)" for the signed-in one), per-platform
   results, what a post is waiting for, the character limits of the chosen networks,
   what the signed-in role may do (the server's table from the page config), and
   thumbnails of a post's media (Herald's own /media URLs; a video is a placeholder,
   an image elsewhere a link, as the page may only load images from Herald). */
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

  /* ---- media ---- */
  H.isVideo = function (url) { return /\.(mp4|mov|m4v|webm|avi|mkv)([?#]|$)/i.test(String(url)); };
  /** The thumbnail of one of Herald's own media URLs (/media/{ws}/{id}), else null. */
  H.thumbUrl = function (url) {
    var u;
    try { u = new URL(url, location.href); } catch (e) { return null; }
    if (u.origin !== location.origin || !/^\/media\/[^/]+\/[^/]+$/.test(u.pathname)) return null;
    return u.pathname + '/thumbnail';
  };
  /** One media item as a small picture: a thumbnail, a video placeholder or a link. */
  H.mediaItem = function (url, cls, media) {
    media = media || {};
    var video = H.isVideo(url) || /^video\//.test(media.content_type || '');
    if (video) return H.h('span', { class: 'media-ph ' + (cls || ''), dataset: { kind: 'video' }, title: 'Video' }, H.h('span', { 'aria-hidden': 'true' }, '▶'), ' Video');
    var thumb = media.thumbnail_url || media.preview_url || H.thumbUrl(url);
    if (thumb) {
      var alt = media.alt_text || 'Attached image (no alt text)';
      var img = H.h('img', { class: 'thumb ' + (cls || ''), src: thumb, alt: alt, title: media.alt_text || '', loading: 'lazy', draggable: 'false' });
      img.addEventListener('error', function once() {
        img.removeEventListener('error', once);
        if (img.getAttribute('src') !== url && H.thumbUrl(url)) img.src = url;
      });
      return img;
    }
    var safe = H.safeUrl(url);
    var host = safe ? new URL(safe).host : 'elsewhere';
    return safe ? H.h('a', { class: 'media-ph ' + (cls || ''), href: safe, target: '_blank', rel: 'noopener noreferrer', dataset: { kind: 'link' } }, 'Image on ' + host) : null;
  };
  /** The first media item of a post (for small places: the calendar), or null. */
  H.mediaThumb = function (post, cls) {
    var urls = post.media_urls || [];
    if (!urls.length) return null;
    var item = H.mediaItem(urls[0], cls, (post.media || [])[0]);
    return item && item.tagName === 'A' ? H.h('span', { class: 'media-ph ' + (cls || ''), dataset: { kind: 'link' } }, 'Image') : item;
  };
  /** All media of a post as a row of thumbnails (approval cards, the post page). */
  H.mediaStrip = function (post) {
    var urls = post.media_urls || [];
    if (!urls.length) return null;
    return H.h('ul', { class: 'media-strip', 'aria-label': urls.length === 1 ? 'Attached media' : urls.length + ' attached media' },
      urls.map(function (u, i) { return H.h('li', null, H.mediaItem(u, 'thumb-md', (post.media || [])[i])); }));
  };

  /* ---- engagement figures (GET .../analytics, GET .../posts/{id}/analytics) ---- */
  /** The metrics shown beside a post, most telling first. */
  H.FIGURES = ['impressions', 'engagements', 'likes', 'comments', 'shares', 'clicks'];
  /** A figure as people read it ("1,234"); a dash for one not reported. */
  H.fmtFigure = function (v) { return v == null ? '–' : Math.round(v).toLocaleString(); };
  /** "1,234 impressions · 56 likes": the metrics `metrics` has (a missing one is left out,
      never shown as 0); '' when it has none. */
  H.figuresText = function (metrics) {
    return H.FIGURES.filter(function (m) { return metrics && metrics[m] != null; })
      .map(function (m) { return H.fmtFigure(metrics[m]) + ' ' + m; }).join(' · ');
  };
  /** How old figures are, in words: `upstream` as the analytics answers say it. */
  H.figuresAge = function (asOf, upstream) {
    var when = asOf ? H.fmtDateTime(asOf) : '';
    return upstream === 'fresh' ? 'Figures as of ' + when
      : 'Last known figures, as of ' + when + ': a newer reading is due, or Ayrshare could not be read';
  };
}());
