/* posts.js: how posts read on every workspace page. Status badges, people by name
   (author_name / actor_name from the API, "(you)" for the signed-in one), per-platform
   results, what a post is waiting for, the character limits of the chosen networks,
   what the signed-in role may do (the server's table from the page config), and
   thumbnails of a post's media (Herald's own /media URLs; a video is a placeholder,
   an image elsewhere a link, as the page may only load images from Herald). The words
   that need no page are text.js's, re-exported here. */
import { ApiError, config, fmtDateTime, h, platformInfo, RANK, safeUrl, session, statusLabels } from './core.js';
import { isVideo, tightestIn } from './text.js';

export { charCount, conflictText, figuresText, FIGURES, fmtFigure, isConflict, isVideo, overdue, postUrl, waitingText } from './text.js';

export function statusLabel(s) { return statusLabels[s] || s; }
export function badge(status) {
  return h('span', { class: 'badge', dataset: { status: status } }, statusLabel(status));
}
export function platformLabel(id) { return (platformInfo[id] && platformInfo[id].label) || id; }
/** The tightest limit among the chosen networks: {platform, limit} or null. */
export function tightest(platforms) { return tightestIn(platforms, platformInfo); }
/** Whether the signed-in role may do `action` on a post in `status` (the server's table). */
export function can(action, status) {
  var need = ((config.actions || {})[status] || {})[action];
  return !!(session.role && need && RANK[session.role] >= RANK[need]);
}

/** Errors at create/submit that concern the chosen networks are shown by them. */
export function platformError(err) {
  if (['platform_not_linked', 'x_credentials_required', 'network_cap'].indexOf(err.code) >= 0) {
    return Object.assign(Object.create(ApiError.prototype), err, { field: 'platforms' });
  }
  return err;
}

/** Per-platform results: a chip per platform with its outcome and link. */
export function platformResults(post) {
  var results = {};
  (post.platform_results || []).forEach(function (r) { results[r.platform] = r; });
  var names = (post.platforms || []).slice();
  Object.keys(results).forEach(function (p) { if (names.indexOf(p) < 0) names.push(p); });
  return h('ul', { class: 'platform-results' }, names.map(function (p) {
    var r = results[p];
    var state = r ? r.status : 'none';
    var label = platformLabel(p);
    var inner = r && safeUrl(r.post_url)
      ? h('a', { href: safeUrl(r.post_url), target: '_blank', rel: 'noopener noreferrer', title: 'Open on ' + label }, label)
      : h('span', null, label);
    return h('li', { class: 'pr', dataset: { state: state }, title: r && r.error ? r.error : null },
      h('span', { class: 'pr-dot', 'aria-hidden': 'true' }), inner,
      r && r.status === 'error' ? h('span', { class: 'visually-hidden' }, ' failed: ' + (r.error || 'error')) : null,
      r && r.status === 'success' ? h('span', { class: 'visually-hidden' }, ' published') : null);
  }));
}

/** When a post goes or went out, in words (with the zone). */
export function scheduleText(post) {
  var done = post.status === 'published' || post.status === 'partially_published';
  if (done) return post.published_at ? 'Published ' + fmtDateTime(post.published_at) : 'Published';
  if (post.schedule_at) return fmtDateTime(post.schedule_at);
  if (post.status === 'pending_approval') return 'As soon as it is approved';
  if (['draft', 'changes_requested', 'rejected'].indexOf(post.status) >= 0) return 'Not planned yet';
  return '—';
}
/* ---- media ---- */
/** The thumbnail of one of Herald's own media URLs (/media/{ws}/{id}), else null. */
export function thumbUrl(url) {
  var u;
  try { u = new URL(url, location.href); } catch (e) { return null; }
  if (u.origin !== location.origin || !/^\/media\/[^/]+\/[^/]+$/.test(u.pathname)) return null;
  return u.pathname + '/thumbnail';
}
/** One media item as a small picture: a thumbnail, a video placeholder or a link. */
export function mediaItem(url, cls, media) {
  media = media || {};
  var video = isVideo(url) || /^video\//.test(media.content_type || '');
  if (video) return h('span', { class: 'media-ph ' + (cls || ''), dataset: { kind: 'video' }, title: 'Video' }, h('span', { 'aria-hidden': 'true' }, '▶'), ' Video');
  var thumb = media.thumbnail_url || media.preview_url || thumbUrl(url);
  if (thumb) {
    var alt = media.alt_text || 'Attached image (no alt text)';
    var img = h('img', { class: 'thumb ' + (cls || ''), src: thumb, alt: alt, title: media.alt_text || '', loading: 'lazy', draggable: 'false' });
    img.addEventListener('error', function once() {
      img.removeEventListener('error', once);
      if (img.getAttribute('src') !== url && thumbUrl(url)) img.src = url;
    });
    return img;
  }
  var safe = safeUrl(url);
  var host = safe ? new URL(safe).host : 'elsewhere';
  return safe ? h('a', { class: 'media-ph ' + (cls || ''), href: safe, target: '_blank', rel: 'noopener noreferrer', dataset: { kind: 'link' } }, 'Image on ' + host) : null;
}
/** The first media item of a post (for small places: the calendar), or null. */
export function mediaThumb(post, cls) {
  var urls = post.media_urls || [];
  if (!urls.length) return null;
  var item = mediaItem(urls[0], cls, (post.media || [])[0]);
  return item && item.tagName === 'A' ? h('span', { class: 'media-ph ' + (cls || ''), dataset: { kind: 'link' } }, 'Image') : item;
}
/** All media of a post as a row of thumbnails (approval cards, the post page). */
export function mediaStrip(post) {
  var urls = post.media_urls || [];
  if (!urls.length) return null;
  return h('ul', { class: 'media-strip', 'aria-label': urls.length === 1 ? 'Attached media' : urls.length + ' attached media' },
    urls.map(function (u, i) { return h('li', null, mediaItem(u, 'thumb-md', (post.media || [])[i])); }));
}

/* ---- engagement figures (GET .../analytics, GET .../posts/{id}/analytics) ---- */
/** How old figures are, in words: `upstream` as the analytics answers say it. */
export function figuresAge(asOf, upstream) {
  var when = asOf ? fmtDateTime(asOf) : '';
  return upstream === 'fresh' ? 'Figures as of ' + when
    : 'Last known figures, as of ' + when + ': a newer reading is due, or Ayrshare could not be read';
}
