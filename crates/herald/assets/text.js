/* text.js: how posts and errors read, without a page. An API error as a sentence, the
   length of a text as the server counts it, the tightest limit among chosen networks,
   what a post waits for, engagement figures in words, and the previews' arithmetic (a
   text split into links, hashtags and mentions; what fits a network's limit; the feed
   crop of its images). Pure: the tables it needs are arguments. Tested under
   `node --test` (test/text.test.js). */

/** An API error ({status, code, message, retryAfter}) as a sentence a person can act on. */
export function sentence(err) {
  if (err.code === 'rate_limited') return 'Too many attempts in a short time. Try again' + (err.retryAfter ? ' in ' + err.retryAfter + ' s.' : ' shortly.');
  if (err.status === 403 && err.code === 'forbidden') return 'Your role does not allow this. ' + err.message.charAt(0).toUpperCase() + err.message.slice(1) + '.';
  var m = String(err.message || '');
  m = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(m) ? m : m + '.';
}

/** Characters as the server counts them (Unicode scalar values). */
export function charCount(text) { return Array.from(text || '').length; }

/** The tightest limit among `platforms` (ids) in `table` ({id: {limit}}): {platform,
    limit}, or null when none is known. */
export function tightestIn(platforms, table) {
  var best = null;
  (platforms || []).forEach(function (p) {
    var info = table[p];
    if (info && (!best || info.limit < best.limit)) best = { platform: p, limit: info.limit };
  });
  return best;
}

/** The page of a post. */
export function postUrl(ws, id) { return '/w/' + encodeURIComponent(ws) + '/posts/' + encodeURIComponent(id); }

/** What a post waits for, in plain words; null when nothing. */
export function waitingText(post) {
  if (post.waiting_for === 'ayrshare_limit') return "Waiting for Ayrshare's rate limit";
  return post.waiting_for ? 'Waiting (' + String(post.waiting_for).replace(/_/g, ' ') + ')' : null;
}
/** True for a post waiting for approval whose planned time has passed by `now` (ms, by
    default the present). */
export function overdue(post, now) {
  var at = now === undefined ? Date.now() : now;
  return post.status === 'pending_approval' && !!post.schedule_at && new Date(post.schedule_at).getTime() < at;
}

/** A 409: the post changed meanwhile (or its status no longer allows this). */
export function isConflict(err) { return err && err.status === 409; }
export function conflictText(err) {
  if (err.code === 'version_conflict') return 'Someone changed this post meanwhile. Reload it to see the current text.';
  return sentence(err) + ' The post changed meanwhile: reload it to see where it stands.';
}

/** Whether a media URL names a video by its extension. */
export function isVideo(url) { return /\.(mp4|mov|m4v|webm|avi|mkv)([?#]|$)/i.test(String(url)); }

/* ---- engagement figures ---- */
/** The metrics shown beside a post, most telling first. */
export const FIGURES = ['impressions', 'engagements', 'likes', 'comments', 'shares', 'clicks'];
/** A figure as people read it ("1,234"); a dash for one not reported. */
export function fmtFigure(v) { return v == null ? '–' : Math.round(v).toLocaleString(); }
/** "1,234 impressions · 56 likes": the metrics `metrics` has (a missing one is left out,
    never shown as 0); '' when it has none. */
export function figuresText(metrics) {
  return FIGURES.filter(function (m) { return metrics && metrics[m] != null; })
    .map(function (m) { return fmtFigure(metrics[m]) + ' ' + m; }).join(' · ');
}

/* ---- previews ---- */
/** The text as segments {text, kind}: kind 'link', 'tag', 'mention' or ''. */
export function segments(text) {
  var re = /(https?:\/\/[^\s]+)|(#[\p{L}\p{N}_]+)|(@[\p{L}\p{N}_.]+)/gu;
  var out = [], last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), kind: '' });
    out.push({ text: m[0], kind: m[1] ? 'link' : m[2] ? 'tag' : 'mention' });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), kind: '' });
  return out;
}
/** The segments of `text` cut at `limit` characters: each {text, kind, shown, cut},
    `shown` the part within the limit and `cut` the part past it ('' when none). */
export function fitSegments(text, limit) {
  var used = 0;
  return segments(text).map(function (s) {
    var chars = Array.from(s.text);
    var fits = Math.max(0, Math.min(chars.length, limit - used));
    used += chars.length;
    return { text: s.text, kind: s.kind, shown: chars.slice(0, fits).join(''), cut: chars.slice(fits).join('') };
  });
}
/** The length line of a preview: "12 / 280", "300 / 280 · 20 over". */
export function lengthText(n, limit) {
  return n + ' / ' + limit + (n > limit ? ' · ' + (n - limit) + ' over' : '');
}

/** The feed crop of a network's images: [width, height]. */
var RATIO = {
  twitter: [16, 9], linkedin: [191, 100], facebook: [191, 100], instagram: [4, 5], bluesky: [16, 9],
  threads: [4, 5], tiktok: [9, 16], snapchat: [9, 16], youtube: [16, 9], pinterest: [2, 3], reddit: [4, 3], telegram: [16, 9], gmb: [4, 3]
};
/** A network's feed crop as [width, height] (square for one not known). */
export function ratioOf(platform) { return RATIO[platform] || [1, 1]; }
/** A network's feed crop in words: "16:9", "1.91:1". */
export function cropRatio(platform) {
  var r = ratioOf(platform);
  return r[0] === 191 ? '1.91:1' : r[0] + ':' + r[1];
}
