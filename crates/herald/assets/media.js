/* media.js: media for the composer. Files dropped on the drop zone or chosen with the
   file picker are uploaded one by one to POST /api/workspaces/{ws}/media (multipart,
   field `file`) with XMLHttpRequest, so each shows a progress bar; a finished upload
   shows its thumbnail (a video its placeholder) with a Remove button, and its URL joins
   the post's media URLs (the form's media field stays the one source of truth, so URLs
   typed by hand keep working). Wrong type (415) or too large (413) are said in words.
   Each image has an alt text field, warned about while it is empty. */
import { $, $$, authInit, clear, h, sentence, wsPath } from './core.js';
import { isVideo, mediaItem } from './posts.js';

/** Binds the uploader of a post form. opts: {ws, field: the media textarea, onChange()} */
export function mediaUploader(form, opts) {
  var zone = $('.drop-zone', form);
  var input = $('input[type=file]', form);
  var list = $('.uploads', form);
  if (!zone || !input || !list) return { known: {}, render: function () {}, busy: function () { return false; } };
  var known = {}; // url → the upload's answer (content type, thumbnail)
  var alts = {}; // url → alt text typed for it
  var pending = 0;

  function urls() { return opts.field.value.split(/\s+/).map(function (s) { return s.trim(); }).filter(Boolean); }
  function setUrls(list) { opts.field.value = list.join('\n'); opts.field.dispatchEvent(new Event('input', { bubbles: true })); }

  /** The finished media as thumbnails, each with Remove. */
  function render() {
    $$('li[data-state=done]', list).forEach(function (li) { li.remove(); });
    urls().forEach(function (u) {
      var m = known[u] || { url: u };
      var video = isVideo(u) || /^video\//.test(m.content_type || '');
      var warn = h('span', { class: 'alt-warning', role: 'note', hidden: !!alts[u] || video },
        'No alt text: people using a screen reader will not know what this image shows.');
      var alt = video ? null : h('input', { type: 'text', class: 'alt-text', name: 'alt_text', maxlength: '1000',
        placeholder: 'Alt text: what the image shows', 'aria-label': 'Alt text for ' + (m.name || 'this image'), value: alts[u] || '' });
      if (alt) alt.addEventListener('input', function () {
        alts[u] = alt.value;
        warn.hidden = !!alt.value.trim();
      });
      list.appendChild(h('li', { class: 'upload', dataset: { state: 'done', url: u } },
        mediaItem(u, '', Object.assign({}, m, { alt_text: alts[u] })),
        alt ? h('span', { class: 'alt-row' }, alt, warn) : null,
        h('span', { class: 'upload-name' }, m.name || (isVideo(u) || /^video\//.test(m.content_type || '') ? 'Video' : 'Image'),
          m.bytes ? h('span', { class: 'muted' }, ' · ' + Math.max(1, Math.round(m.bytes / 1024)) + ' KB') : null),
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Remove ' + (m.name || 'this media'), onclick: function () {
          setUrls(urls().filter(function (x) { return x !== u; }));
          render();
          if (opts.onChange) opts.onChange();
        } }, 'Remove')));
    });
  }

  function failText(status, data) {
    var e = (data && data.error) || {};
    if (status === 413) return 'This file is too large' + (e.message ? ': ' + e.message : '.');
    if (status === 415) return 'This kind of file cannot be posted: use an image (JPEG, PNG, GIF, WebP) or a video (MP4, MOV).';
    if (!status) return 'Herald could not be reached; check the connection.';
    return sentence({ message: e.message || 'The upload failed (' + status + ')' });
  }

  function upload(file) {
    var bar = h('progress', { max: '100', value: '0', 'aria-label': 'Uploading ' + file.name });
    var note = h('span', { class: 'upload-note muted' }, ' 0 %');
    var li = h('li', { class: 'upload', dataset: { state: 'uploading' } },
      h('span', { class: 'media-ph', dataset: { kind: 'link' } }, '…'),
      h('span', { class: 'upload-name' }, file.name, note, bar),
      h('span', null));
    list.appendChild(li);
    pending += 1;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', wsPath(opts.ws, '/media'));
    var init = authInit('POST', { Accept: 'application/json' });
    Object.keys(init.headers).forEach(function (k) { xhr.setRequestHeader(k, init.headers[k]); });
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.value = pct;
      note.textContent = ' ' + pct + ' %';
    });
    function finish() { pending -= 1; if (opts.onChange) opts.onChange(); }
    xhr.addEventListener('load', function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (xhr.status === 201 && data && data.url) {
        data.name = file.name;
        known[data.url] = data;
        li.remove();
        setUrls(urls().concat([data.url]));
        render();
      } else {
        li.dataset.state = 'error';
        clear(li).appendChild(h('span', { class: 'media-ph', dataset: { kind: 'link' } }, '!'));
        li.appendChild(h('span', { role: 'alert' }, file.name + ': ' + failText(xhr.status, data)));
        li.appendChild(h('button', { type: 'button', class: 'btn btn-small', onclick: function () { li.remove(); } }, 'Dismiss'));
      }
      finish();
    });
    xhr.addEventListener('error', function () {
      li.dataset.state = 'error';
      clear(li).appendChild(h('span', { role: 'alert' }, file.name + ': ' + failText(0)));
      finish();
    });
    var body = new FormData();
    body.append('file', file, file.name);
    xhr.send(body);
  }

  function take(files) { Array.prototype.forEach.call(files || [], upload); }
  input.addEventListener('change', function () { take(input.files); input.value = ''; });
  ['dragenter', 'dragover'].forEach(function (t) {
    zone.addEventListener(t, function (e) {
      if (!e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') < 0) return;
      e.preventDefault();
      zone.classList.add('over');
    });
  });
  ['dragleave', 'drop'].forEach(function (t) { zone.addEventListener(t, function () { zone.classList.remove('over'); }); });
  zone.addEventListener('drop', function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    take(e.dataTransfer.files);
  });
  opts.field.addEventListener('change', render);

  return {
    known: known,
    render: render,
    /** Whether an upload is still running. */
    busy: function () { return pending > 0; },
    /** The media with what is known of each, for the previews. */
    items: function () { return urls().map(function (u) { return Object.assign({}, known[u] || { url: u }, { alt_text: alts[u] || undefined }); }); },
    /** The post's media as sent: [{url, alt_text?}]. */
    media: function () { return urls().map(function (u) { return alts[u] && alts[u].trim() ? { url: u, alt_text: alts[u].trim() } : { url: u }; }); },
    /** Takes a post's media (alt text and Herald's copy) into the form. */
    setMedia: function (media) {
      alts = {};
      (media || []).forEach(function (m) {
        if (m.alt_text) alts[m.url] = m.alt_text;
        if (m.preview_url && !known[m.url]) known[m.url] = { url: m.url, thumbnail_url: m.preview_url };
      });
      render();
    }
  };
}
