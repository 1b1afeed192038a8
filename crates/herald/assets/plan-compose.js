/* The composer's plan tools on the dashboard: "Add to queue" (creates the post with
   `"queue": true` and says the time it got) and opening the composer at a time the
   calendar chose (`?compose_at=YYYY-MM-DDTHH:MM`, in the workspace's zone). */
import { $, $$, api, config, fmtDateTime, toast, wsPath } from './core.js';

var ws = config.workspace_id;
var form = $('#compose-form');
if (form && ws) start();

/** Binds the plan tools to the composer. */
function start() {
  var result = $('#compose-result');
  var button = $('#compose-queue');

  /** Runs `then` once the composer panel is shown (the dashboard shows it to editors). */
  function whenShown(then, tries) {
    var panel = $('#compose-panel');
    if (panel && !panel.hidden) return then();
    if ((tries || 0) > 200) return;
    setTimeout(function () { whenShown(then, (tries || 0) + 1); }, 50);
  }

  var at = new URLSearchParams(location.search).get('compose_at');
  if (at && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(at)) {
    whenShown(function () {
      var input = $('input[name="schedule_at"]', form);
      input.value = at;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
      form.dataset.composeAt = at;
      form.scrollIntoView({ block: 'start' });
      $('#compose-text').focus();
    });
  }

  function say(text, tone) {
    if (!result) return;
    result.textContent = text;
    result.dataset.tone = tone || '';
  }

  if (button) button.addEventListener('click', function () {
    var text = $('textarea[name="text"]', form).value;
    var platforms = $$('input[name="platforms"]:checked', form).map(function (b) { return b.value; });
    var media = $('textarea[name="media_urls"]', form);
    var urls = (media ? media.value : '').split(/\s+/).filter(Boolean);
    var body = { text: text, platforms: platforms, queue: true };
    if (urls.length) body.media_urls = urls;
    button.disabled = true;
    api('POST', wsPath(ws, '/posts'), body).then(function (post) {
      var when = fmtDateTime(post.schedule_at);
      say('Added to the queue: ' + when + '.', 'good');
      button.dataset.queuedAt = post.schedule_at;
      $('textarea[name="text"]', form).value = '';
      $('textarea[name="text"]', form).dispatchEvent(new Event('input', { bubbles: true }));
      toast('Added to the queue: ' + when, 'good');
    }, function (err) {
      var msg = (err && err.message) || 'The post could not be added to the queue.';
      if (err && err.code === 'queue_empty') msg = 'The queue has no time slots yet: an admin adds them on the Plan page.';
      say(msg, 'bad');
    }).then(function () { button.disabled = false; });
  });
}
