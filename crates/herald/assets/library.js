/* library.js: the compose library in the composer: start from a template (its text,
   networks, per-network texts, first comment and media fill the form), add a hashtag
   group's tags to the text, save the form as a template, and reuse an upload from the
   media library (GET .../media, newest first, with where each is used). */
(function () {
  'use strict';
  var H = window.Herald;

  /** Binds the library controls of a post form. opts: {ws, apply(template), addMedia(url), snapshot()} */
  H.composeLibrary = function (form, opts) {
    var templates = H.$('.template-select', form);
    var hashtags = H.$('.hashtag-select', form);
    var save = H.$('.save-template', form);
    var picker = H.$('.library-picker', form);
    var fold = picker && picker.closest('details');
    var byId = {};
    var text = H.$('textarea[name="text"]', form);

    function option(value, label) { var o = H.h('option', { value: value }); o.textContent = label; return o; }
    function loadTemplates() {
      if (!templates) return;
      H.api('GET', H.wsPath(opts.ws, '/templates'), undefined, { quiet: true }).then(function (list) {
        H.$$('option[value]:not([value=""])', templates).forEach(function (o) { o.remove(); });
        (list || []).forEach(function (t) { byId['t' + t.id] = t; templates.appendChild(option(t.id, t.name)); });
      }, function () {});
    }
    function loadHashtags() {
      if (!hashtags) return;
      H.api('GET', H.wsPath(opts.ws, '/hashtag-groups'), undefined, { quiet: true }).then(function (list) {
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
      H.api('POST', H.wsPath(opts.ws, '/templates'), body).then(function () {
        H.toast('Template “' + name.trim() + '” saved.', 'good');
        loadTemplates();
      }, function (err) {
        H.toast(err.code === 'name_taken' ? 'A template of that name exists already.' : H.sentence(err), 'bad');
      });
    });
    function loadMedia() {
      H.api('GET', H.wsPath(opts.ws, '/media'), undefined, { quiet: true }).then(function (page) {
        H.clear(picker);
        var items = (page && page.media) || [];
        if (!items.length) picker.appendChild(H.h('li', { class: 'hint' }, 'Nothing uploaded yet.'));
        items.forEach(function (m) {
          picker.appendChild(H.h('li', { dataset: { mediaId: m.id } },
            H.h('button', { type: 'button', class: 'library-item', title: 'Add to the post', onclick: function () { opts.addMedia(m.url, m); } },
              H.mediaItem(m.url, '', m),
              H.h('span', { class: 'muted' }, Math.max(1, Math.round(m.bytes / 1024)) + ' KB · ' + m.uploaded_by_name + ' · used by ' + m.used_by))));
        });
      }, function () {});
    }
    if (fold && picker) fold.addEventListener('toggle', function () { if (fold.open) loadMedia(); });
    if (opts.ws) { loadTemplates(); loadHashtags(); }
  };
}());
