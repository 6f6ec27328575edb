// video.mjs walks the Video streams pages of Sluice's console in headless
// Chromium (Debian's) with playwright-core: create a video stream, its
// page, retention changed up and down with the current version (and a
// stale version refused, then refreshed), tags, image generation, and
// delete another stream from its page; and the media: ffmpeg-made MKV put
// into the stream with PutMedia (chunked, signed as the producer SDKs
// sign it), the fragment timeline (blocks, the gap between two uploads,
// paging through NextToken), a thumbnail (GetImages' JPEG), the range
// played on demand with hls.js and with the browser's own HLS, and a live
// upload played with hls.js, the player's currentTime advancing. With
// SLUICE_VIDEO_MODE=no-ffmpeg (a server without ffmpeg) it checks only
// that the thumbnail shows the server's refusal.
// Driven by internal/console/video_browser_e2e_test.go.
//
// Environment: SLUICE_ENDPOINT, CHROMIUM, SCREENSHOTS (as console.mjs),
// SLUICE_VIDEO_MODE, FFMPEG (the ffmpeg binary the producer runs).
// It prints "ok" and exits 0 when every step passed.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const endpoint = process.env.SLUICE_ENDPOINT;
const shots = process.env.SCREENSHOTS;
const ffmpeg = process.env.FFMPEG || 'ffmpeg';

const name = 'console-cam';
const scratch = 'console-cam-scratch';

let shot = 0;
async function step(page, label, fn) {
  process.stderr.write(`step: ${label}\n`);
  try {
    await fn();
  } finally {
    shot++;
    if (shots) await page.screenshot({ path: path.join(shots, `${String(shot).padStart(2, '0')}-${label}.png`), fullPage: true });
  }
}

// kvCall makes a Video Streams call with the page's console session.
function kvCall(page, op, body) {
  return page.evaluate(async ([op, body]) => {
    const s = await (await fetch('/console/session')).json();
    const res = await fetch('/console/rest/' + op, {
      method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', 'X-Sluice-Csrf': s.csrf },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${op}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }, [op, body]);
}

async function labelled(page) {
  const unlabelled = await page.$$eval('main input, main select, main textarea',
    (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML));
  assert.deepEqual(unlabelled, [], 'every control is labelled');
}

// ffmpegArgs makes H.264 MKV as a camera's producer sends it: video only,
// a key frame every second, one cluster (fragment) per key frame.
function ffmpegArgs(seconds, realtime) {
  return [
    '-hide_banner', '-loglevel', 'error', ...(realtime ? ['-re'] : []),
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', String(seconds),
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-bf', '0',
    '-f', 'matroska', '-live', '1', '-cluster_time_limit', '100000', '-cluster_size_limit', '100000000', '-',
  ];
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

// signPutMedia adds a SigV4 signature (service kinesisvideo) to PutMedia's
// headers as the KVS producers sign it: over the headers, with the hash of
// an empty payload, since the body streams. Under --auth open any key does.
function signPutMedia(u, headers, key = 'AKIDCONSOLETEST', secret = 'secret', region = 'us-east-1') {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const signed = { host: u.host, 'x-amz-date': amzDate, ...headers };
  const names = Object.keys(signed).map((k) => k.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), String(v).trim()]));
  const canonical = ['POST', u.pathname, '', ...names.map((k) => `${k}:${lower[k]}`), '', names.join(';'), sha256('')].join('\n');
  const scope = `${day}/${region}/kinesisvideo/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let k = hmac('AWS4' + secret, day);
  for (const part of [region, 'kinesisvideo', 'aws4_request']) k = hmac(k, part);
  const signature = crypto.createHmac('sha256', k).update(toSign).digest('hex');
  return {
    ...headers, 'x-amz-date': amzDate,
    Authorization: `AWS4-HMAC-SHA256 Credential=${key}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

// putMedia streams ffmpeg's output into PutMedia (chunked, RELATIVE
// timecodes from producerStart, in seconds) and resolves with the ACK
// events once both ends are done.
function putMedia(stream, producerStart, args) {
  return new Promise((resolve, reject) => {
    const u = new URL('/putMedia', endpoint);
    const headers = signPutMedia(u, {
      'x-amzn-stream-name': stream,
      'x-amzn-fragment-timecode-type': 'RELATIVE',
      'x-amzn-producer-start-timestamp': producerStart.toFixed(3),
    });
    const req = http.request(u, { method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode !== 200) { reject(new Error(`PutMedia: ${res.statusCode} ${text}`)); return; }
        resolve(text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
      });
    });
    const ff = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    ff.on('error', reject);
    ff.stdout.pipe(req);
  });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  if (process.env.SLUICE_VIDEO_MODE === 'no-ffmpeg') await walkWithoutImages(page);
  else await walk(page);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('ok');

async function walk(page) {
  await step(page, 'list-empty', async () => {
    await page.goto(endpoint + '/');
    await page.getByRole('link', { name: 'Video streams' }).click();
    await page.getByRole('heading', { name: 'Video streams', exact: true }).waitFor();
    await page.getByText('No video streams yet.').waitFor();
  });
  await step(page, 'create-page', async () => {
    await page.getByRole('button', { name: 'Create video stream' }).click();
    await page.getByRole('heading', { name: 'Create video stream' }).waitFor();
    await page.getByLabel('Video stream name').fill('bad name!');
    await page.getByText('Use 1 to 256 letters').waitFor();
    await page.getByLabel('Video stream name').fill(name);
    assert.equal(await page.locator('#kv-name-msg').textContent(), '');
    assert.equal(await page.getByLabel('Media type').inputValue(), 'video/h264');
    await page.getByLabel('Data retention period (hours)').fill('24');
    await page.getByLabel('Device name - optional').fill('door-cam');
    await page.getByRole('button', { name: 'Add new tag' }).click();
    await page.getByLabel('Key', { exact: true }).fill('team');
    await page.getByLabel('Value', { exact: true }).fill('video');
    await labelled(page);
  });
  await step(page, 'stream-page', async () => {
    await page.getByRole('button', { name: 'Create video stream' }).click();
    await page.getByRole('heading', { name }).waitFor();
    await page.locator('#kv-status', { hasText: 'Active' }).waitFor();
    await page.locator('#kv-retention-now', { hasText: '24 hours' }).waitFor();
    await page.locator('dd', { hasText: 'door-cam' }).waitFor();
    await page.locator('dd', { hasText: 'video/h264' }).waitFor();
    await page.getByRole('table', { name: 'Tags' }).getByRole('cell', { name: 'video', exact: true }).waitFor();
    await labelled(page);
  });
  await step(page, 'retention-increase', async () => {
    const version = await page.locator('#kv-version').textContent();
    await page.getByLabel('Data retention period (hours)').fill('48');
    await page.getByText(`UpdateDataRetention INCREASE_DATA_RETENTION by 24 hour(s), with version ${version}.`).waitFor();
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.locator('#kv-retention-now', { hasText: '48 hours' }).waitFor();
    assert.notEqual(await page.locator('#kv-version').textContent(), version, 'a new version');
    await page.locator('#kv-status', { hasText: 'Active' }).waitFor();
  });
  await step(page, 'retention-stale-version', async () => {
    // Another client changes the stream: the page's version is stale, and
    // the server says so; Refresh reads the new version.
    const d = (await kvCall(page, 'describeStream', { StreamName: name })).StreamInfo;
    await kvCall(page, 'updateStream', { StreamName: name, CurrentVersion: d.Version, DeviceName: 'porch-cam' });
    await page.getByLabel('Data retention period (hours)').fill('12');
    await page.getByText('DECREASE_DATA_RETENTION by 36 hour(s)').waitFor();
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByRole('alert').filter({ hasText: 'VersionMismatchException' }).waitFor();
  });
  await step(page, 'retention-decrease', async () => {
    await page.locator('#kv-refresh').click();
    await page.locator('dd', { hasText: 'porch-cam' }).waitFor();
    await page.locator('#kv-status', { hasText: 'Active' }).waitFor();
    await page.getByLabel('Data retention period (hours)').fill('12');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.locator('#kv-retention-now', { hasText: '12 hours' }).waitFor();
    await page.locator('#kv-status', { hasText: 'Active' }).waitFor();
  });
  await step(page, 'tags', async () => {
    await page.getByLabel('Key', { exact: true }).fill('site');
    await page.getByLabel('Value', { exact: true }).fill('lab');
    await page.getByRole('button', { name: 'Add tag' }).click();
    const tags = page.getByRole('table', { name: 'Tags' });
    await tags.getByRole('cell', { name: 'lab', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove tag site' }).click();
    await tags.getByRole('cell', { name: 'lab', exact: true }).waitFor({ state: 'detached' });
  });
  await step(page, 'image-generation', async () => {
    await page.getByLabel('Enabled').check();
    await page.getByLabel('Destination S3 URI').fill('s3://console-images/cam');
    await page.getByLabel('Sampling interval (milliseconds)').fill('5000');
    await page.getByRole('button', { name: 'Save image generation' }).click();
    await page.getByText('Image generation is enabled: JPEG every 5000 ms to s3://console-images/cam.').waitFor();
  });
  await walkFragments(page);
  await walkPlayback(page);
  await step(page, 'delete-from-stream-page', async () => {
    await kvCall(page, 'createStream', { StreamName: scratch, DataRetentionInHours: 1 });
    await page.getByRole('navigation', { name: 'Kinesis services' }).getByRole('link', { name: 'Video streams' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: scratch, exact: true }) });
    await row.getByRole('cell', { name: 'Active' }).waitFor();
    await row.getByRole('cell', { name: '1 hour', exact: true }).waitFor();
    await page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) }).getByRole('cell', { name: '12 hours' }).waitFor();
    await page.getByLabel('Find video streams').fill('scratch');
    await page.getByRole('link', { name, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: scratch }).click();
    await page.locator('#kv-status', { hasText: 'Active' }).waitFor();
    await page.locator('#kv-delete').click();
    assert.ok(await page.locator('#confirm-delete').isDisabled(), 'delete waits for the name');
    await page.getByLabel(/To confirm, type the video stream's name/).fill(scratch);
    await page.locator('#confirm-delete').click();
    await page.getByRole('heading', { name: 'Video streams', exact: true }).waitFor();
    await page.getByRole('link', { name, exact: true }).waitFor();
    await page.getByRole('link', { name: scratch, exact: true }).waitFor({ state: 'detached' });
  });
}

async function walkFragments(page) {
  const now = Date.now() / 1000;
  await step(page, 'put-media', async () => {
    // Two uploads 20 s apart in producer time, 6 s each: 12 fragments of
    // 1 s and a gap of 14 s between them.
    for (const start of [now - 90, now - 70]) {
      const acks = await putMedia(name, start, ffmpegArgs(6, false));
      const persisted = acks.filter((a) => a.EventType === 'PERSISTED');
      assert.equal(persisted.length, 6, `PERSISTED ACKs: ${JSON.stringify(acks)}`);
    }
  });
  await step(page, 'timeline', async () => {
    await page.getByLabel('Select by').selectOption('PRODUCER_TIMESTAMP');
    const info = page.locator('#kv-fragments-info');
    await page.locator('#kv-fragments-info[data-fragments="12"]').waitFor();
    assert.equal(await info.getAttribute('data-gaps'), '1', await info.textContent());
    await page.getByText(/12 fragment\(s\) in 1 page\(s\): 1[12]\.\d+ s of media, [\d.]+ KiB; 1 gap\(s\), the longest 1\d\.\d+ s\./).waitFor();
    assert.equal(await page.locator('#kv-timeline rect.fragment').count(), 12);
    assert.equal(await page.locator('#kv-timeline rect.gap').count(), 1);
    // The blocks are in time order, left to right, the gap between the
    // two uploads.
    const xs = await page.$$eval('#kv-timeline rect.fragment', (rs) => rs.map((r) => +r.getAttribute('x')));
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
    const gap = await page.$eval('#kv-timeline rect.gap', (r) => [+r.getAttribute('x'), +r.getAttribute('width')]);
    assert.ok(gap[0] > xs[5] && gap[0] + gap[1] <= xs[6] + 1, `gap ${gap} between ${xs[5]} and ${xs[6]}`);
  });
  await step(page, 'timeline-pages', async () => {
    await page.getByLabel('Fragments per page').fill('5');
    await page.getByRole('button', { name: 'List fragments' }).click();
    await page.locator('#kv-fragments-info[data-fragments="5"]').waitFor();
    await page.getByText(/5 fragment\(s\) so far in 1 page\(s\)/).waitFor();
    await page.getByRole('button', { name: 'Load more fragments' }).click();
    await page.locator('#kv-fragments-info[data-fragments="10"]').waitFor();
    await page.getByRole('button', { name: 'Load more fragments' }).click();
    await page.locator('#kv-fragments-info[data-fragments="12"]').waitFor();
    await page.getByText(/12 fragment\(s\) in 3 page\(s\)/).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Load more fragments' }).isHidden());
  });
  await step(page, 'thumbnail', async () => {
    await page.locator('#kv-timeline rect.fragment').nth(2).click();
    await page.locator('#kv-fragment-detail', { hasText: 'Fragment' }).waitFor();
    await page.getByRole('button', { name: 'Get thumbnail' }).click();
    const img = page.locator('#kv-thumbnail img');
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('#kv-thumbnail img').naturalWidth === 320);
    assert.ok((await img.getAttribute('src')).startsWith('data:image/jpeg;base64,/9j/'), 'a JPEG');
    await page.locator('#kv-thumbnail figcaption', { hasText: `(fragment …${(await page.locator('#kv-timeline rect.fragment').nth(2).getAttribute('data-number')).slice(-8)})` }).waitFor();
    assert.equal(await page.locator('#kv-thumbnail-error').textContent(), '');
  });
}

async function walkPlayback(page) {
  await step(page, 'play-on-demand', async () => {
    await page.getByLabel('Playback mode').selectOption('ON_DEMAND');
    await page.getByLabel('Player', { exact: true }).selectOption('hls.js');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.getByText(/On demand, played with hls\.js 1\.7\.4\./).waitFor();
    await page.waitForFunction(() => document.querySelector('#kv-video').currentTime > 2, null, { timeout: 20000 });
    const [w, h] = await page.$eval('#kv-video', (v) => [v.videoWidth, v.videoHeight]);
    assert.deepEqual([w, h], [320, 240]);
    assert.equal(await page.locator('#kv-play-error').textContent(), '');
  });
  await step(page, 'play-on-demand-automatic', async () => {
    // Automatic: the browser's own HLS where it has it (Chromium does
    // since 2025), hls.js elsewhere.
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByLabel('Player', { exact: true }).selectOption('auto');
    const native = await page.$eval('#kv-video', (v) => v.canPlayType('application/vnd.apple.mpegurl') !== '');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.getByText(native ? 'On demand, played with the browser\'s own HLS.' : /On demand, played with hls\.js/).waitFor();
    await page.waitForFunction(() => document.querySelector('#kv-video').currentTime > 2, null, { timeout: 20000 });
    assert.equal(await page.locator('#kv-play-error').textContent(), '');
    await page.getByLabel('Player', { exact: true }).selectOption('hls.js');
  });
  await step(page, 'play-live', async () => {
    await page.getByRole('button', { name: 'Stop' }).click();
    // A live producer: ffmpeg in real time for 20 s.
    const live = putMedia(name, Date.now() / 1000, ffmpegArgs(20, true));
    live.catch(() => {});
    await page.waitForTimeout(4000);
    await page.getByLabel('Playback mode').selectOption('LIVE');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.getByText(/Live, played with hls\.js 1\.7\.4\./).waitFor();
    await page.waitForFunction(() => document.querySelector('#kv-video').currentTime > 0, null, { timeout: 20000 });
    const t0 = await page.$eval('#kv-video', (v) => v.currentTime);
    await page.waitForFunction((t0) => document.querySelector('#kv-video').currentTime > t0 + 2, t0, { timeout: 20000 });
    assert.equal(await page.locator('#kv-play-error').textContent(), '');
    await page.getByLabel('Fragments per page').fill('1000');
    await page.getByLabel('Refresh every 5 seconds').check();
    await page.getByLabel('Select by').selectOption('SERVER_TIMESTAMP');
    await page.waitForFunction(() => +document.querySelector('#kv-fragments-info').dataset.fragments > 12, null, { timeout: 20000 });
    const acks = await live;
    assert.ok(acks.filter((a) => a.EventType === 'PERSISTED').length >= 19, `live ACKs: ${acks.length}`);
    await page.getByRole('button', { name: 'Stop' }).click();
  });
}

// walkWithoutImages: the server has no ffmpeg to decode frames with; the
// thumbnail shows the server's own message.
async function walkWithoutImages(page) {
  await page.goto(endpoint + '/');
  await step(page, 'thumbnail-unavailable', async () => {
    await kvCall(page, 'createStream', { StreamName: name, DataRetentionInHours: 1 });
    await page.goto(`${endpoint}/#/video/streams/${name}`);
    await page.locator('#kv-status', { hasText: 'Active' }).waitFor();
    const acks = await putMedia(name, Date.now() / 1000 - 10, ffmpegArgs(2, false));
    assert.equal(acks.filter((a) => a.EventType === 'PERSISTED').length, 2);
    await page.getByRole('button', { name: 'List fragments' }).click();
    await page.locator('#kv-fragments-info[data-fragments="2"]').waitFor();
    await page.getByRole('button', { name: 'Get thumbnail' }).click();
    await page.locator('#kv-thumbnail-error').getByRole('alert')
      .filter({ hasText: /^NotImplementedException: .*ffmpeg is not on the server's PATH/ }).waitFor();
    assert.equal(await page.locator('#kv-thumbnail img').count(), 0);
  });
}
