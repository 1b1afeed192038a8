// Drives the simulator with Ayrshare's official Node SDK (npm `social-media-api`,
// unmodified) through the methods Herald relies on, and checks the answers' shapes and
// the strict behaviours. Run by tests/sim/sdk.rs; prints one line per check and exits
// non-zero if any failed.
//
// Environment: SIM_ROOT (http://127.0.0.1:PORT, the simulator without /api), API_KEY
// (the simulator's key), AYRSHARE_SDK_DIR (where `npm install --prefix` put the SDK).
//
// The SDK hard-codes https://api.ayrshare.com/api and reads no setting, so its HTTP
// library's verbs (got.get/post/put/delete, looked up at call time) are wrapped to
// rewrite that prefix to the simulator (research note §11.3, workaround 1). The wrapper
// also records each answer's HTTP status and headers, which the SDK itself drops.

import http from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = process.env.SIM_ROOT;
const API_KEY = process.env.API_KEY;
const SDK_DIR = process.env.AYRSHARE_SDK_DIR;
const AYRSHARE = "https://api.ayrshare.com/api";
const X = ["x-consumer-key-sdk", "x-consumer-secret-sdk"];

// --- Point the SDK at the simulator --------------------------------------------------
const got = createRequire(join(SDK_DIR, "package.json"))("got");
let last = null; // {status, headers} of the SDK's latest answer
for (const verb of ["get", "post", "put", "delete"]) {
  const original = got[verb];
  got[verb] = (url, options) => {
    const target = String(url).replace(AYRSHARE, `${ROOT}/api`);
    return original(target, options).then(
      (res) => ((last = { status: res.statusCode, headers: res.headers }), res),
      (err) => {
        if (err && err.response) last = { status: err.response.statusCode, headers: err.response.headers };
        throw err;
      },
    );
  };
}
const sdkUrl = pathToFileURL(join(SDK_DIR, "node_modules", "social-media-api", "index.js")).href;
const { default: SocialMediaAPI } = await import(sdkUrl);

// --- Checks --------------------------------------------------------------------------
let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : `: ${JSON.stringify(detail)}`}`);
  if (!ok) failures += 1;
}
const isId = (id) => typeof id === "string" && /^[A-Za-z0-9]{20}$/.test(id);
let n = 0;
const text = (what) => `${what} from the Node SDK #${(n += 1)} ${Date.now()}`;

async function sim(method, path, body) {
  const res = await fetch(`${ROOT}/__sim${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}
const link = (profileKey, platforms, linked = true) => sim("POST", "/profiles/link", { profileKey, platforms, linked });

/** A local webhook receiver: `next()` resolves with the next delivery's JSON body. */
async function receiver() {
  const waiting = [];
  const arrived = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      res.end("ok");
      const hook = JSON.parse(body);
      const resolve = waiting.shift();
      if (resolve) resolve(hook);
      else arrived.push(hook);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const next = (ms = 5000) =>
    arrived.length
      ? Promise.resolve(arrived.shift())
      : Promise.race([
          new Promise((resolve) => waiting.push(resolve)),
          new Promise((resolve) => setTimeout(() => resolve(null), ms)),
        ]);
  return { url: `http://127.0.0.1:${server.address().port}/hook`, next, close: () => server.close() };
}

// --- Authentication ------------------------------------------------------------------
const bad = await new SocialMediaAPI("NOT-THE-KEY").user();
check("a bad API key is HTTP 401 code 102", last.status === 401 && bad.code === 102, { status: last.status, bad });

const social = new SocialMediaAPI(API_KEY);

// --- user, linking -------------------------------------------------------------------
let user = await social.user();
check("user: nothing linked, no activeSocialAccounts", user.activeSocialAccounts === undefined && user.title === "Primary Profile", user);
await link("", ["facebook", "linkedin", "instagram", "tiktok", "twitter", "youtube"]);
user = await social.user();
const account = (user.displayNames || []).find((d) => d.platform === "twitter") || {};
check("user: linked networks in activeSocialAccounts", Array.isArray(user.activeSocialAccounts) && user.activeSocialAccounts.includes("twitter"), user);
check(
  "user: displayNames carry platform, displayName, id, created, profileUrl, userImage, username",
  ["platform", "displayName", "id", "created", "profileUrl", "userImage", "username"].every((f) => typeof account[f] === "string"),
  account,
);
check("user: ayrlinkUrl, refId, monthlyApiCalls, created", typeof user.ayrlinkUrl === "string" && typeof user.refId === "string" && typeof user.monthlyApiCalls === "number" && user.created !== undefined, user);

// --- post ----------------------------------------------------------------------------
const now = await social.post({ post: text("now"), platforms: ["facebook", "linkedin"] });
check("post: immediate, unwrapped envelope", now.status === "success" && isId(now.id) && now.postIds?.length === 2 && Array.isArray(now.errors) && typeof now.refId === "string", now);
const later = new Date(Date.now() + 86_400_000).toISOString();
const scheduled = await social.post({ post: text("later"), platforms: ["linkedin"], scheduleDate: later });
check("post: scheduled answers status scheduled", scheduled.status === "scheduled" && isId(scheduled.id), scheduled);
const unlinked = await social.post({ post: text("partial"), platforms: ["facebook", "pinterest"] });
const e156 = (unlinked.errors || []).find((e) => e.platform === "pinterest") || {};
check("post: an unlinked network fails alone with code 156", last.status === 400 && unlinked.status === "error" && e156.code === 156 && unlinked.postIds?.[0]?.platform === "facebook", unlinked);
const refusedLater = await social.post({ post: text("refused"), platforms: ["pinterest"], scheduleDate: later });
check("post: a scheduled post to an unlinked network is refused whole", refusedLater.status === "error" && refusedLater.id === undefined, refusedLater);
const noX = await social.post({ post: text("X"), platforms: ["twitter"] });
check("post: X without credentials is code 419", noX.code === 419 && noX.action === "x_credentials_required", noX);
const byo = new SocialMediaAPI(API_KEY).setTwitterByo(...X);
const withX = await byo.post({ post: text("X"), platforms: ["twitter"] });
check("post: X with setTwitterByo goes out", withX.status === "success" && withX.postIds?.[0]?.platform === "twitter", withX);
const long = await byo.post({ post: "x".repeat(281), platforms: ["twitter", "facebook"] });
check("post: a tweet over 280 characters fails X with code 111", (long.errors || []).some((e) => e.platform === "twitter" && e.code === 111), long);
const noTitle = await social.post({ post: text("video"), platforms: ["youtube"] });
check("post: YouTube without a title fails", noTitle.status === "error" && noTitle.errors?.[0]?.platform === "youtube", noTitle);

// --- getPost, history ----------------------------------------------------------------
const got1 = await social.getPost({ id: now.id });
check("getPost: the post with an ISO scheduleDate", got1.id === now.id && got1.status === "success" && typeof got1.scheduleDate === "string", got1);
const hist = await social.history({ lastRecords: 50 });
check("history: object form with count and refId", Array.isArray(hist.history) && hist.count === hist.history.length && hist.history.some((h) => h.id === now.id), hist);
const byId = await social.history({ id: now.id });
check("history({id}): one post with a timestamp scheduleDate", byId.id === now.id && typeof byId.scheduleDate?.utc === "string", byId);
const pending = await social.history({ status: "pending" });
check("history({status: pending}) lists the scheduled post", (pending.history || []).some((h) => h.id === scheduled.id), pending);

// --- updatePost, retryPost -----------------------------------------------------------
const newDate = new Date(Date.now() + 2 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const updated = await social.updatePost({ id: scheduled.id, scheduleDate: newDate });
const moved = await social.getPost({ id: scheduled.id });
check("updatePost: reschedules a pending post", updated.status === "success" && moved.scheduleDate === newDate, { updated, moved });
await sim("POST", "/config", { fail_platforms: ["linkedin"] });
const failing = await social.post({ post: text("retry"), platforms: ["facebook", "linkedin"] });
await sim("POST", "/config", { fail_platforms: [] });
const retried = await social.retryPost({ id: failing.id });
check("retryPost: the failed network is sent again", failing.status === "error" && retried.status === "success" && retried.postIds?.length === 2, { failing, retried });

// --- delete --------------------------------------------------------------------------
const deleted = await social.delete({ id: now.id });
check("delete: per-network results, code 200", deleted.status === "success" && deleted.code === 200 && deleted.facebook?.status === "success", deleted);
const insta = await social.post({ post: text("insta"), platforms: ["instagram", "tiktok", "facebook"] });
check("post: TikTok pending with idShare, Instagram usedQuota", insta.postIds?.some((p) => p.platform === "tiktok" && p.id === "pending" && p.idShare) && insta.postIds?.some((p) => p.platform === "instagram" && p.usedQuota >= 1), insta);
const kept = await social.delete({ id: insta.id });
check("delete: Instagram and TikTok refuse, Facebook deletes", kept.instagram?.status === "error" && kept.tiktok?.status === "error" && kept.facebook?.status === "success", kept);
const xDelete = await social.delete({ id: withX.id });
check("delete: an X post without credentials is code 419", xDelete.code === 419, xDelete);
const again = await social.delete({ id: now.id });
check("delete: a second delete is code 383", again.code === 383, again);

// --- analytics -----------------------------------------------------------------------
const stats = await social.analyticsPost({ id: failing.id, platforms: ["facebook", "linkedin"] });
check("analyticsPost: Facebook and LinkedIn metric names", typeof stats.facebook?.analytics?.reactions?.like === "number" && typeof stats.linkedin?.analytics?.clickCount === "number" && typeof stats.linkedin?.lastUpdated === "string", stats);
const xStats = await byo.analyticsPost({ id: withX.id });
check("analyticsPost: X nests under publicMetrics", typeof xStats.twitter?.analytics?.publicMetrics?.impressionCount === "number", xStats);
const unknownStats = await social.analyticsPost({ id: "NoSuchPost0000000000" });
check("analyticsPost: an unknown id is code 186", unknownStats.code === 186, unknownStats);
const socialNoX = await social.analyticsSocial({ platforms: ["twitter"] });
check("analyticsSocial: X without credentials is code 419", socialNoX.code === 419, socialNoX);
const accountStats = await byo.analyticsSocial({ platforms: ["twitter", "facebook"] });
check("analyticsSocial: account figures per network", typeof accountStats.twitter?.analytics?.followersCount === "number" && typeof accountStats.facebook?.analytics?.fanCount === "number", accountStats);

// --- media ---------------------------------------------------------------------------
const slot = await social.mediaUploadUrl({ fileName: "clip.mp4", contentType: "video/mp4" });
const put = await fetch(slot.uploadUrl, { method: "PUT", headers: { "content-type": "video/mp4" }, body: "frames" });
const served = await fetch(slot.accessUrl);
check("mediaUploadUrl: PUT to uploadUrl, served at accessUrl", put.ok && served.headers.get("content-type") === "video/mp4" && (await served.text()) === "frames", slot);
const uploaded = await social.upload({ file: "data:image/png;base64,aGVsbG8=", fileName: "a.png", description: "best image" });
const image = uploaded.url ? await fetch(uploaded.url) : null;
check("upload: a data URL, served with its content type", uploaded.status === "success" && image?.headers.get("content-type") === "image/png" && (await image.text()) === "hello", uploaded);

// --- profiles, JWT, webhooks ---------------------------------------------------------
const title = `SDK profile ${Date.now()}`;
const created = await social.createProfile({ title });
check("createProfile: the key is returned once", created.status === "success" && typeof created.profileKey === "string" && created.title === title, created);
const listed = await social.getProfiles({ title });
check("getProfiles({title}): only that profile, with update times", listed.count === 1 && listed.profiles?.[0]?.title === title && typeof listed.lastUpdated === "string", listed);
const forProfile = new SocialMediaAPI(API_KEY).setProfileKey(created.profileKey);
const hooks = await receiver();
const registered = await forProfile.registerWebhook({ action: "social", url: hooks.url, secret: "s3cret" });
const hookList = await forProfile.listWebhooks();
check("registerWebhook/listWebhooks: social registered", registered.status === "success" && hookList.social === hooks.url, { registered, hookList });
const jwt = await social.generateJWT({ domain: "acme", privateKey: "-----BEGIN RSA PRIVATE KEY-----", profileKey: created.profileKey });
check("generateJWT: url, token, expiresIn", jwt.status === "success" && typeof jwt.url === "string" && typeof jwt.token === "string" && jwt.expiresIn === "5m", jwt);
const page = await fetch(jwt.url);
check("generateJWT: the url is a linking page", page.ok && (await page.text()).includes(title), page.status);
const click = await fetch(jwt.url, { method: "POST", body: new URLSearchParams({ platform: "twitter", linked: "true" }), redirect: "manual" });
const hook = await hooks.next();
check("linking page: linking sends the social webhook", click.status === 303 && hook?.action === "social" && hook?.type === "link" && hook?.platform === "twitter", { status: click.status, hook });
const linkedUser = await forProfile.user();
check("user with setProfileKey: the network just linked", JSON.stringify(linkedUser.activeSocialAccounts) === '["twitter"]', linkedUser);
const unregistered = await forProfile.unregisterWebhook({ action: "social" });
check("unregisterWebhook: social removed", unregistered.status === "success" && (await forProfile.listWebhooks()).social === undefined, unregistered);
hooks.close();
const removed = await social.deleteProfile({ profileKey: created.profileKey });
check("deleteProfile: {status, refId}", removed.status === "success" && typeof removed.refId === "string", removed);
const gone = await forProfile.user();
check("a deleted profile's key is refused", last.status === 403 && gone.status === "error", { status: last.status, gone });
const bogus = await new SocialMediaAPI(API_KEY).setProfileKey("BOGUS-PROFILE-KEY").post({ post: text("bogus"), platforms: ["facebook"] });
check("post with an unknown Profile-Key is refused", last.status === 403 && bogus.action === "authorization", bogus);

// --- rate limit ----------------------------------------------------------------------
const limited = await social.createProfile({ title: `${title} limited` });
const small = new SocialMediaAPI(API_KEY).setProfileKey(limited.profileKey);
await sim("POST", "/config", { rate_limit_max: 2 });
await small.analyticsSocial({ platforms: ["facebook"] });
await small.analyticsSocial({ platforms: ["facebook"] });
const over = await small.analyticsSocial({ platforms: ["facebook"] });
const headers = last.headers;
await sim("POST", "/config", { rate_limit_max: 300 });
check("rate limit: HTTP 429 with x-ratelimit-max/-count", last.status === 429 && over.code === 429 && headers["x-ratelimit-max"] === "2" && headers["x-ratelimit-count"] === "2", { status: last.status, over, headers });

const stats2 = await sim("GET", "/stats");
check("/__sim/stats never shows a whole profile key", !JSON.stringify(stats2).includes(created.profileKey) && stats2.by_status["429"] >= 1, Object.keys(stats2.by_profile));

console.log(failures === 0 ? "all SDK checks passed" : `${failures} SDK check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
