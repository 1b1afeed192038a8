/* preview.js: how a post will look on each chosen network, for the composer. One card
   per network with its name, the linked account's name, the length against that
   network's limit (from the server's table), the text with links, hashtags and
   mentions styled and the part past the limit struck through ("not shown"), and the
   media cropped to the network's usual feed ratio; each network's own text when it has
   one, and the first comment it gets. Built from text nodes only. */
(function () {
  'use strict';
  var H = window.Herald;

  /** The feed crop of a network's images: [width, height, words]. */
  var RATIO = {
    twitter: [16, 9], linkedin: [191, 100], facebook: [191, 100], instagram: [4, 5], bluesky: [16, 9],
    threads: [4, 5], tiktok: [9, 16], snapchat: [9, 16], youtube: [16, 9], pinterest: [2, 3], reddit: [4, 3], telegram: [16, 9], gmb: [4, 3]
  };
  function ratioOf(p) { return RATIO[p] || [1, 1]; }
  function ratioText(r) { return r[0] === 191 ? '1.91:1' : r[0] + ':' + r[1]; }

  /** The text as segments {text, kind}: kind 'link', 'tag', 'mention' or ''. */
  function segments(text) {
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

  /** The text as a paragraph, cut at `limit` characters (the rest struck through). */
  function body(text, limit) {
    var p = H.h('p', { class: 'preview-text' });
    var used = 0;
    segments(text).forEach(function (s) {
      var chars = Array.from(s.text);
      var fits = Math.max(0, Math.min(chars.length, limit - used));
      var cls = s.kind ? 'pv-' + (s.kind === 'mention' ? 'tag' : s.kind) : null;
      if (fits > 0) p.appendChild(cls ? H.h('span', { class: cls }, chars.slice(0, fits).join('')) : document.createTextNode(chars.slice(0, fits).join('')));
      if (fits < chars.length) {
        p.appendChild(H.h('span', { class: 'cut' + (cls ? ' ' + cls : ''), title: 'Past the limit: not shown' }, chars.slice(fits).join('')));
      }
      used += chars.length;
    });
    if (used > limit) p.appendChild(H.h('span', { class: 'visually-hidden' }, ' (the struck-through part is past the limit and would not be shown)'));
    return p;
  }

  function mediaRow(platform, media) {
    if (!media.length) return null;
    var r = ratioOf(platform);
    return H.h('div', { class: 'preview-media', dataset: { ratio: ratioText(r) } }, media.slice(0, 4).map(function (m, i) {
      var frame = H.h('div', { class: 'frame' });
      frame.style.aspectRatio = r[0] + ' / ' + r[1];
      frame.appendChild(H.mediaItem(m.url, '', m));
      if (i === 0) frame.appendChild(H.h('span', { class: 'ratio' }, 'Cropped ' + ratioText(r)));
      return frame;
    }));
  }

  /** Draws the previews into `box`. state: {text, platforms: [id], media: [{url, content_type?,
      thumbnail_url?, preview_url?, alt_text?}], accounts: {platform: account},
      texts?: {platform: own text}, comments?: {platform: first comment}} */
  H.renderPreviews = function (box, state) {
    H.clear(box);
    if (!state.platforms.length) {
      box.appendChild(H.h('p', { class: 'hint' }, 'Choose networks to see how the post will look on each.'));
      return;
    }
    state.platforms.forEach(function (p) {
      var info = H.platforms[p] || { limit: Infinity };
      var acct = (state.accounts || {})[p];
      var own = (state.texts || {})[p];
      var text = own || state.text;
      var n = H.charCount(text);
      var over = n > info.limit;
      var comment = (state.comments || {})[p];
      box.appendChild(H.h('article', { class: 'preview', dataset: { platform: p, over: String(over) }, 'aria-label': 'Preview on ' + H.platformLabel(p) },
        H.h('div', { class: 'preview-head' },
          H.h('strong', null, H.platformLabel(p)),
          acct ? H.h('span', null, acct.display_name || acct.username || '') : null,
          H.h('span', { class: 'plimit', dataset: { over: String(over) } },
            n + ' / ' + info.limit + (over ? ' · ' + (n - info.limit) + ' over' : ''))),
        own ? H.h('p', { class: 'muted own-text-note' }, 'Its own text') : null,
        text ? body(text, info.limit) : H.h('p', { class: 'hint' }, 'No text yet.'),
        mediaRow(p, state.media || []),
        comment ? H.h('p', { class: 'preview-comment' }, H.h('span', { class: 'muted' }, 'First comment: '), comment) : null));
    });
  };
  H.cropRatio = function (platform) { return ratioText(ratioOf(platform)); };
}());
