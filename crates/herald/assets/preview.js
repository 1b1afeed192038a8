/* preview.js: how a post will look on each chosen network, for the composer. One card
   per network with its name, the linked account's name, the length against that
   network's limit (from the server's table), the text with links, hashtags and
   mentions styled and the part past the limit struck through ("not shown"), and the
   media cropped to the network's usual feed ratio; each network's own text when it has
   one, and the first comment it gets. Built from text nodes only; the arithmetic (what
   fits, the crop) is text.js's. */
import { clear, h, platformInfo } from './core.js';
import { mediaItem, platformLabel } from './posts.js';
import { charCount, cropRatio, fitSegments, lengthText, ratioOf } from './text.js';


/** The text as a paragraph, cut at `limit` characters (the rest struck through). */
function body(text, limit) {
  var p = h('p', { class: 'preview-text' });
  fitSegments(text, limit).forEach(function (s) {
    var cls = s.kind ? 'pv-' + (s.kind === 'mention' ? 'tag' : s.kind) : null;
    if (s.shown) p.appendChild(cls ? h('span', { class: cls }, s.shown) : document.createTextNode(s.shown));
    if (s.cut) p.appendChild(h('span', { class: 'cut' + (cls ? ' ' + cls : ''), title: 'Past the limit: not shown' }, s.cut));
  });
  if (charCount(text) > limit) p.appendChild(h('span', { class: 'visually-hidden' }, ' (the struck-through part is past the limit and would not be shown)'));
  return p;
}

function mediaRow(platform, media) {
  if (!media.length) return null;
  var r = ratioOf(platform);
  return h('div', { class: 'preview-media', dataset: { ratio: cropRatio(platform) } }, media.slice(0, 4).map(function (m, i) {
    var frame = h('div', { class: 'frame' });
    frame.style.aspectRatio = r[0] + ' / ' + r[1];
    frame.appendChild(mediaItem(m.url, '', m));
    if (i === 0) frame.appendChild(h('span', { class: 'ratio' }, 'Cropped ' + cropRatio(platform)));
    return frame;
  }));
}

/** Draws the previews into `box`. state: {text, platforms: [id], media: [{url, content_type?,
    thumbnail_url?, preview_url?, alt_text?}], accounts: {platform: account},
    texts?: {platform: own text}, comments?: {platform: first comment}} */
export function renderPreviews(box, state) {
  clear(box);
  if (!state.platforms.length) {
    box.appendChild(h('p', { class: 'hint' }, 'Choose networks to see how the post will look on each.'));
    return;
  }
  state.platforms.forEach(function (p) {
    var info = platformInfo[p] || { limit: Infinity };
    var acct = (state.accounts || {})[p];
    var own = (state.texts || {})[p];
    var text = own || state.text;
    var n = charCount(text);
    var over = n > info.limit;
    var comment = (state.comments || {})[p];
    box.appendChild(h('article', { class: 'preview', dataset: { platform: p, over: String(over) }, 'aria-label': 'Preview on ' + platformLabel(p) },
      h('div', { class: 'preview-head' },
        h('strong', null, platformLabel(p)),
        acct ? h('span', null, acct.display_name || acct.username || '') : null,
        h('span', { class: 'plimit', dataset: { over: String(over) } }, lengthText(n, info.limit))),
      own ? h('p', { class: 'muted own-text-note' }, 'Its own text') : null,
      text ? body(text, info.limit) : h('p', { class: 'hint' }, 'No text yet.'),
      mediaRow(p, state.media || []),
      comment ? h('p', { class: 'preview-comment' }, h('span', { class: 'muted' }, 'First comment: '), comment) : null));
  });
}
