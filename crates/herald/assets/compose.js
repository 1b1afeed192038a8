/* compose.js: the post form, for new posts (dashboard) and edits (post page). A live
   character count against the tightest limit of the chosen platforms (the limits come
   from the server's table), the schedule read in the workspace's time zone and sent as
   RFC 3339 with its offset, submit / save as draft / save and resubmit, a confirmation
   before anything is published at once, API errors shown next to the field they name
   (networks not linked, X credentials missing and network caps by the platforms), and
   text kept from before a forced sign-in put back in the form. Only the networks linked
   to the workspace are offered (GET .../accounts, with the account's name; none linked:
   how to link them), each chosen network gets a preview (preview.js), media are
   uploaded with progress (media.js), and the form's own checks are shown all at once,
   in sentences that name the networks. Each chosen network can have its own text and
   first comment (a row per network with its own counter, and its own preview), the post
   a first comment, and each image its alt text (media.js). */
import { $, $$, api, ApiError, clear, clearErrors, drafts, fmtDateTime, h, instantToLocal, platformInfo, roleAtLeast, session, showError, wsPath, zonedToRfc3339 } from './core.js';
import { composeLibrary } from './library.js';
import { mediaUploader } from './media.js';
import { charCount, isConflict, isVideo, platformError, platformLabel, postUrl, statusLabel, thumbUrl, tightest, waitingText } from './posts.js';
import { renderPreviews } from './preview.js';

/** Binds a server-rendered post form.
    opts: {ws, mode: 'create'|'edit', version(): number (edit), onDone(post, intent),
           onConflict(err) (edit)} */
export function composer(form, opts) {
  var text = $('textarea[name="text"]', form);
  var count = $('.char-count', form);
  var schedule = $('input[name="schedule_at"]', form);
  var media = $('textarea[name="media_urls"]', form);
  var result = $('.form-result', form);
  var boxes = $$('input[name="platforms"]', form);
  var busy = false;
  var accounts = {};
  var previews = $('.previews', form);
  var firstComment = $('textarea[name="first_comment"]', form);
  var variantsBox = $('.variants', form);
  var variantState = {}; // platform → {text, first_comment} typed in its row
  var uploader = media ? mediaUploader(form, { ws: opts.ws, field: media, onChange: updatePreview }) : null;

  var checkedAs = null; // the intent whose problems are shown: re-checked as the user fixes them
  function updatePreview() {
    if (checkedAs) {
      clearErrors(form);
      var left = check(checkedAs);
      if (left.length) showAll(left, true); else checkedAs = null;
    }
    if (!previews || !renderPreviews) return;
    renderPreviews(previews, { text: text.value, platforms: chosen(), accounts: accounts,
      texts: ownTexts(), comments: ownComments(),
      media: uploader ? uploader.items() : mediaList().map(function (u) { return { url: u }; }) });
  }

  /** Offers only the linked networks (all of them when Ayrshare cannot say). */
  var lastAccounts;
  function applyAccounts(res) {
    lastAccounts = res;
    var known = res && res.upstream !== 'unavailable';
    var linked = {};
    ((res && res.accounts) || []).forEach(function (a) { linked[a.platform] = a; });
    accounts = linked;
    var note = $('.platforms-note', form);
    var shown = 0;
    boxes.forEach(function (b) {
      var label = b.closest('label');
      var off = known && !linked[b.value] && !b.checked;
      label.hidden = off;
      if (!off) shown += 1;
      var who = $('.paccount', label);
      var a = linked[b.value];
      if (a && !who) label.insertBefore(h('span', { class: 'paccount muted' }, a.display_name || a.username || ''), $('.plimit', label));
    });
    if (!note) return;
    if (known && !shown) {
      note.textContent = 'No social network is linked to this workspace yet. ' + (roleAtLeast('admin')
        ? 'Link them in Settings, under "Linked accounts".' : 'Ask an admin to link them in the workspace settings.');
      note.hidden = false;
    } else if (!known) {
      note.textContent = 'Herald could not check which networks are linked just now; all are shown.';
      note.hidden = false;
    } else note.hidden = true;
  }
  if (opts.ws) api('GET', wsPath(opts.ws, '/accounts'), undefined, { quiet: true }).then(applyAccounts, function () { applyAccounts(null); });

  /** The networks' own texts: {platform: text}, for the chosen ones that have one. */
  function ownTexts() {
    var out = {};
    chosen().forEach(function (p) { var v = variantState[p]; if (v && v.text && v.text.trim()) out[p] = v.text; });
    return out;
  }
  /** Each chosen network's first comment: its own, else the post's. */
  function ownComments() {
    var out = {};
    chosen().forEach(function (p) {
      var v = variantState[p];
      var c = (v && v.first_comment && v.first_comment.trim()) ? v.first_comment : (firstComment ? firstComment.value : '');
      if (c && c.trim()) out[p] = c;
    });
    return out;
  }
  /** The variants as sent: {platform: {text?, first_comment?}}. */
  function variantsBody() {
    var out = {};
    chosen().forEach(function (p) {
      var v = variantState[p] || {};
      var one = {};
      if (v.text && v.text.trim()) one.text = v.text;
      if (v.first_comment && v.first_comment.trim()) one.first_comment = v.first_comment;
      if (one.text || one.first_comment) out[p] = one;
    });
    return out;
  }
  /** One row per chosen network: its own text (with its counter) and first comment. */
  function renderVariants() {
    if (!variantsBox) return;
    var platforms = chosen();
    $$('.variant', variantsBox).forEach(function (row) { if (platforms.indexOf(row.dataset.platform) < 0) row.remove(); });
    platforms.forEach(function (p) {
      if ($('.variant[data-platform="' + p + '"]', variantsBox)) return;
      var v = variantState[p] = variantState[p] || {};
      var label = platformLabel(p);
      var own = h('textarea', { rows: '3', 'data-variant-text': p, 'aria-label': 'Own text for ' + label });
      var comment = h('textarea', { rows: '2', 'data-variant-comment': p, 'aria-label': 'Own first comment for ' + label });
      own.value = v.text || '';
      comment.value = v.first_comment || '';
      var counter = h('span', { class: 'char-count variant-count', 'aria-live': 'polite' });
      var row = h('details', { class: 'variant', dataset: { platform: p }, open: !!(v.text || v.first_comment) },
        h('summary', null, label + ': own text'),
        h('label', null, 'Text for ' + label), own, h('div', { class: 'count-row' }, counter),
        h('p', { class: 'field-error', 'data-error-for': 'variants.' + p + '.text', hidden: true }),
        h('label', null, 'First comment for ' + label), comment,
        h('p', { class: 'field-error', 'data-error-for': 'variants.' + p + '.first_comment', hidden: true }),
        h('p', { class: 'field-error', 'data-error-for': 'variants.' + p, hidden: true }));
      function count() {
        var lim = platformInfo[p] ? platformInfo[p].limit : Infinity;
        var n = charCount(own.value);
        counter.textContent = own.value ? n + ' / ' + lim + (n > lim ? ' · ' + (n - lim) + ' over the ' + label + ' limit' : '') : 'Uses the text above';
        counter.dataset.state = !own.value ? 'none' : n > lim ? 'over' : n > lim * 0.9 ? 'near' : 'ok';
      }
      own.addEventListener('input', function () { v.text = own.value; count(); updateCount(); updatePreview(); });
      comment.addEventListener('input', function () { v.first_comment = comment.value; updatePreview(); });
      count();
      variantsBox.appendChild(row);
    });
  }

  /** The form's own checks, all at once: [{field, message}]. */
  function check(intent) {
    var errors = [];
    var n = charCount(text.value);
    if (!text.value.trim()) errors.push({ field: 'text', message: 'Write the text of the post.' });
    var platforms = chosen();
    if (!platforms.length && intent !== 'draft') errors.push({ field: 'platforms', message: 'Choose at least one network.' });
    var texts = ownTexts();
    platforms.forEach(function (p) {
      var lim = platformInfo[p] && platformInfo[p].limit;
      var own = texts[p];
      var len = own ? charCount(own) : n;
      var field = own ? 'variants.' + p + '.text' : 'text';
      var what = own ? 'The ' + platformLabel(p) + ' text is ' : 'The text is ';
      if (lim && len > lim) errors.push({ field: field, message: what + len + ' characters long; ' + platformLabel(p) + ' allows ' + lim + '.' });
    });
    var items = uploader ? uploader.items() : mediaList().map(function (u) { return { url: u }; });
    var video = items.some(function (m) { return isVideo(m.url) || /^video\//.test(m.content_type || ''); });
    if (intent !== 'draft') {
      ['instagram', 'pinterest'].forEach(function (p) {
        if (platforms.indexOf(p) >= 0 && !items.length) errors.push({ field: 'media_urls', message: platformLabel(p) + ' needs an image or a video.' });
      });
      ['tiktok', 'youtube'].forEach(function (p) {
        if (platforms.indexOf(p) >= 0 && !video) errors.push({ field: 'media_urls', message: platformLabel(p) + ' needs a video.' });
      });
    }
    mediaList().forEach(function (u) { if (!/^https?:\/\//i.test(u) && !thumbUrl(u)) errors.push({ field: 'media_urls', message: '“' + u + '” is not a web link (it should start with https://).' }); });
    if (uploader && uploader.busy()) errors.push({ field: 'media_urls', message: 'Wait until the uploads have finished.' });
    if (schedule.value && intent !== 'draft' && new Date(scheduleValue()).getTime() <= Date.now()) errors.push({ field: 'schedule_at', message: 'Choose a time in the future.' });
    return errors;
  }
  /** Shows every error by its field and, together, at the top of the form's messages. */
  function showAll(errors, quiet) {
    var byField = {};
    errors.forEach(function (e) { (byField[e.field] = byField[e.field] || []).push(e.message); });
    var first = null;
    Object.keys(byField).forEach(function (f) {
      var slot = $('[data-error-for="' + f + '"]', form);
      if (slot) { slot.textContent = byField[f].join(' '); slot.hidden = false; }
      var input = $('[name="' + f + '"]', form);
      if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
    });
    var summary = $('[data-error-for="_form"]', form);
    if (summary && errors.length > 1) {
      clear(summary).appendChild(document.createTextNode('Please fix ' + errors.length + ' things before sending:'));
      summary.appendChild(h('ul', { class: 'form-errors' }, errors.map(function (e) { return h('li', null, e.message); })));
      summary.hidden = false;
    }
    if (first && !quiet) first.focus();
  }
  /** An API error in words a person reads: network ids as the networks' names. */
  function named(err) {
    var m = String(err.message || '').replace(/`([^`]+)`/g, '$1').replace(/\b([a-z]+)\b/g, function (w) { return platformInfo[w] ? platformLabel(w) : w; });
    return Object.assign(Object.create(ApiError.prototype), err, { message: m });
  }

  function chosen() { return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }); }

  function updateCount() {
    var n = charCount(text.value);
    var platforms = chosen();
    var own = ownTexts();
    var t = tightest(platforms.filter(function (p) { return !own[p]; }));
    boxes.forEach(function (b) {
      var lim = platformInfo[b.value] ? platformInfo[b.value].limit : Infinity;
      b.parentNode.dataset.over = n > lim ? 'true' : 'false';
    });
    if (!t && platforms.length) {
      count.textContent = n + (n === 1 ? ' character' : ' characters') + ' · every network has its own text';
      count.dataset.state = 'none';
      return;
    }
    if (!t) {
      count.textContent = n + (n === 1 ? ' character' : ' characters') + ' · choose platforms to see their limit';
      count.dataset.state = 'none';
      return;
    }
    var label = platformLabel(t.platform);
    if (n > t.limit) {
      count.textContent = n + ' / ' + t.limit + ' · ' + (n - t.limit) + ' over the ' + label + ' limit';
      count.dataset.state = 'over';
    } else {
      count.textContent = n + ' / ' + t.limit + (platforms.length > 1 ? ' · ' + label + ' is the tightest' : '');
      count.dataset.state = n > t.limit * 0.9 ? 'near' : 'ok';
    }
  }

  function updateLabels() {
    if (opts.mode !== 'create') return;
    var primary = $('button[value="submit"]', form);
    var approval = !session.workspace || session.workspace.requires_approval;
    primary.textContent = approval ? 'Submit for approval' : (schedule.value ? 'Schedule' : 'Publish now');
  }

  function mediaList() {
    return (media ? media.value : '').split(/\s+/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function scheduleValue() {
    if (!schedule.value) return null;
    return zonedToRfc3339(schedule.value, session.tz);
  }

  function outcome(post, intent) {
    var what = {
      draft: 'Saved as draft.', pending_approval: 'Sent for approval.', scheduled: 'Scheduled for ' + fmtDateTime(post.schedule_at) + '.',
      published: 'Published.', partially_published: 'Published on some platforms only: see the post.', failed: 'Publishing failed: see the post.',
      expired: 'Expired: its time had passed.'
    }[post.status] || ('Now ' + statusLabel(post.status).toLowerCase() + '.');
    if (intent === 'save' && post.status !== 'pending_approval') what = 'Saved. ' + what;
    if (waitingText(post)) what += ' ' + waitingText(post) + '.';
    return what;
  }

  function showResult(post, intent) {
    clear(result);
    result.appendChild(document.createTextNode(outcome(post, intent) + ' '));
    if (opts.mode === 'create') result.appendChild(h('a', { href: postUrl(opts.ws, post.id) }, 'Open the post'));
  }

  /** Whether this send publishes at once (a workspace without approval, no time). */
  function publishesNow(intent) {
    var noApproval = session.workspace && !session.workspace.requires_approval;
    return noApproval && !schedule.value && (intent === 'submit' || intent === 'resubmit');
  }

  function send(intent) {
    var media = uploader && uploader.media ? uploader.media() : mediaList().map(function (u) { return { url: u }; });
    var body = { text: text.value, platforms: chosen(), media: media, variants: variantsBody() };
    var comment = firstComment && firstComment.value.trim() ? firstComment.value : null;
    var at = scheduleValue();
    if (opts.mode === 'create') {
      if (comment) body.first_comment = comment;
      if (at) body.schedule_at = at;
      body.submit = intent !== 'draft';
      return api('POST', wsPath(opts.ws, '/posts'), body);
    }
    body.version = opts.version();
    body.first_comment = comment;
    body.schedule_at = at;
    var path = wsPath(opts.ws, '/posts/' + encodeURIComponent(opts.postId));
    return api('PATCH', path, body).then(function (post) {
      if (intent !== 'resubmit') return post;
      return api('POST', path + '/submit', { version: post.version });
    });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (busy) return;
    var intent = (ev.submitter && ev.submitter.value) || (opts.mode === 'create' ? 'submit' : 'save');
    clearErrors(form);
    var problems = check(intent);
    checkedAs = problems.length ? intent : null;
    if (problems.length) { showAll(problems); return; }
    if (publishesNow(intent)) {
      var where = chosen().map(platformLabel).join(', ') || 'the chosen networks';
      if (!window.confirm('Publish this post now on ' + where + '? It goes out at once.')) return;
    }
    result.textContent = '';
    busy = true;
    form.setAttribute('aria-busy', 'true');
    $$('button', form).forEach(function (b) { b.disabled = true; });
    send(intent).then(function (post) {
      var note = $('.draft-note', form);
      if (note) note.hidden = true;
      showResult(post, intent);
      self.dirty = false;
      if (opts.mode === 'create') { form.reset(); variantState = {}; if (variantsBox) clear(variantsBox); renderVariants(); updateCount(); updateLabels(); if (uploader) uploader.render(); updatePreview(); }
      if (opts.onDone) opts.onDone(post, intent);
    }, function (err) {
      if (isConflict(err) && opts.onConflict) { opts.onConflict(err); return; }
      var slot = showError(form, named(platformError(err)));
      var fold = slot && slot.closest('details');
      if (fold) fold.open = true;
    }).then(function () {
      busy = false;
      form.removeAttribute('aria-busy');
      $$('button', form).forEach(function (b) { b.disabled = false; });
    });
  });

  text.addEventListener('input', updateCount);
  text.addEventListener('input', updatePreview);
  if (media) media.addEventListener('input', updatePreview);
  boxes.forEach(function (b) { b.addEventListener('change', renderVariants); b.addEventListener('change', updateCount); b.addEventListener('change', updatePreview); });
  if (firstComment) firstComment.addEventListener('input', updatePreview);
  renderVariants();
  schedule.addEventListener('change', updateLabels);
  updateCount();
  updateLabels();
  updatePreview();

  composeLibrary(form, {
    ws: opts.ws,
    apply: function (t) {
      text.value = t.text || '';
      boxes.forEach(function (b) { b.checked = (t.platforms || []).indexOf(b.value) >= 0; });
      if (firstComment) firstComment.value = t.first_comment || '';
      variantState = {};
      Object.keys(t.variants || {}).forEach(function (p) { variantState[p] = Object.assign({}, t.variants[p]); });
      if (variantsBox) clear(variantsBox);
      renderVariants();
      if (media && (t.media_urls || []).length) { media.value = t.media_urls.join('\n'); if (uploader) uploader.render(); }
      updateCount(); updateLabels(); updatePreview();
      self.dirty = true;
    },
    addMedia: function (url, m) {
      if (!media || mediaList().indexOf(url) >= 0) return;
      if (uploader && m) uploader.known[url] = m;
      media.value = mediaList().concat([url]).join('\n');
      media.dispatchEvent(new Event('change'));
      updatePreview();
    },
    snapshot: function () {
      var t = { text: text.value, platforms: chosen(), variants: variantsBody(), media_urls: mediaList() };
      if (firstComment && firstComment.value.trim()) t.first_comment = firstComment.value;
      return t;
    }
  });

  var self = {
    /** Puts a post's current content in the form (edit mode). */
    fill: function (post) {
      text.value = post.text || '';
      boxes.forEach(function (b) { b.checked = (post.platforms || []).indexOf(b.value) >= 0; });
      schedule.value = instantToLocal(post.schedule_at, session.tz);
      if (media) media.value = (post.media_urls || []).join('\n');
      if (firstComment) firstComment.value = post.first_comment || '';
      variantState = {};
      Object.keys(post.variants || {}).forEach(function (p) { variantState[p] = Object.assign({}, post.variants[p]); });
      if (variantsBox) clear(variantsBox);
      renderVariants();
      if (uploader && uploader.setMedia) uploader.setMedia(post.media);
      clearErrors(form);
      result.textContent = '';
      updateCount();
      updateLabels();
      if (uploader) uploader.render();
      if (lastAccounts !== undefined) applyAccounts(lastAccounts);
      updatePreview();
      self.dirty = false;
    },
    refreshLabels: function () { updateLabels(); updateCount(); },
    /** Puts back what was typed before a forced sign-in, if anything; true if so. */
    restore: function () {
      var d = drafts.take(form);
      if (!d) return false;
      text.value = d.text;
      boxes.forEach(function (b) { b.checked = (d.platforms || []).indexOf(b.value) >= 0; });
      schedule.value = d.schedule_at || '';
      if (media) media.value = d.media_urls || '';
      var note = $('.draft-note', form);
      if (note) {
        note.textContent = 'This is the text you were writing here before. It is not saved yet.';
        note.hidden = false;
      }
      updateCount();
      updateLabels();
      if (uploader) uploader.render();
      updatePreview();
      self.dirty = true;
      return true;
    },
  };
  /** True once the user typed something not yet saved (kept on the form, where the
      "unsaved changes" guard and the drafts of core.js read it). */
  Object.defineProperty(self, 'dirty', {
    get: function () { return form.dataset.dirty === 'true'; },
    set: function (v) { form.dataset.dirty = v ? 'true' : 'false'; }
  });
  self.dirty = false;
  form.addEventListener('input', function () { self.dirty = true; });
  return self;
}
