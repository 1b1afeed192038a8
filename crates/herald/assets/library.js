/* library.js: the compose library in the composer: start from a template (its text,
   networks, per-network texts, first comment and media fill the form), add a hashtag
   group's tags to the text, save the form as a template, and reuse an upload from the
   media library (GET .../media, newest first, with where each is used). */
import { $, $$, api, clear, h, sentence, toast, wsPath } from './core.js';
import { mediaItem } from './posts.js';

/** Binds the library controls of a post form. opts: {ws, apply(template), addMedia(url), snapshot()} */
export function composeLibrary(form, opts) {
  var templates = $('.template-select', form);
  var hashtags = $('.hashtag-select', form);
  var save = $('.save-template', form);
  var picker = $('.library-picker', form);
  var fold = picker && picker.closest('details');
  var byId = {};
  var text = $('textarea[name="text"]', form);

  function option(value, label) { var o = h('option', { value: value }); o.textContent = label; return o; }
  function loadTemplates() {
    if (!templates) return;
    api('GET', wsPath(opts.ws, '/templates'), undefined, { quiet: true }).then(function (list) {
      $$('option[value]:not([value=""])', templates).forEach(function (o) { o.remove(); });
      (list || []).forEach(function (t) { byId['t' + t.id] = t; templates.appendChild(option(t.id, t.name)); });
    }, function () {});
  }
  function loadHashtags() {
    if (!hashtags) return;
    api('GET', wsPath(opts.ws, '/hashtag-groups'), undefined, { quiet: true }).then(function (list) {
      (list || []).forEach(function (g) { byId['g' + g.id] = g; hashtags.appendChild(option(g.id, g.name + ' (' + g.tags.join(' ') + ')')); });
    }, function () {});
  }
  if (templates) templates.addEventListener('change', function () {
    var t = byId['t' + templates.value];
    if (t) opts.apply(t);
    templates.value = '';
  });
  if (hashtags) hashtags.addEventListener('change', function () {
    var g = byId['g' + hashtags.value];
    if (g) {
      var sep = text.value && !/\s$/.test(text.value) ? ' ' : '';
      text.value += sep + g.tags.join(' ');
      text.dispatchEvent(new Event('input', { bubbles: true }));
    }
    hashtags.value = '';
  });
  if (save) save.addEventListener('click', function () {
    var name = window.prompt('Name of the new template');
    if (!name || !name.trim()) return;
    var body = Object.assign({ name: name.trim() }, opts.snapshot());
    api('POST', wsPath(opts.ws, '/templates'), body).then(function () {
      toast('Template “' + name.trim() + '” saved.', 'good');
      loadTemplates();
    }, function (err) {
      toast(err.code === 'name_taken' ? 'A template of that name exists already.' : sentence(err), 'bad');
    });
  });
  function loadMedia() {
    api('GET', wsPath(opts.ws, '/media'), undefined, { quiet: true }).then(function (page) {
      clear(picker);
      var items = (page && page.media) || [];
      if (!items.length) picker.appendChild(h('li', { class: 'hint' }, 'Nothing uploaded yet.'));
      items.forEach(function (m) {
        picker.appendChild(h('li', { dataset: { mediaId: m.id } },
          h('button', { type: 'button', class: 'library-item', title: 'Add to the post', onclick: function () { opts.addMedia(m.url, m); } },
            mediaItem(m.url, '', m),
            h('span', { class: 'muted' }, Math.max(1, Math.round(m.bytes / 1024)) + ' KB · ' + m.uploaded_by_name + ' · used by ' + m.used_by))));
      });
    }, function () {});
  }
  if (fold && picker) fold.addEventListener('toggle', function () { if (fold.open) loadMedia(); });
  if (opts.ws) { loadTemplates(); loadHashtags(); }
}
