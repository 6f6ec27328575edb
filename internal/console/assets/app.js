// Sluice console. Every action is an AWS API call posted to /console/api
// with the session's CSRF token (see package console's doc). The DOM is
// built with el() and textContent only, so no data from the API is ever
// parsed as HTML.

import { firehosePages } from './firehose.js';
import { analyticsPages } from './analytics.js';
import { videoPages } from './video.js';
import { clusterPages } from './cluster.js';

const TARGET = 'Kinesis_20131202.';
let session = null;
let timers = [];

// ---------- helpers ----------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const $ = (sel, root = document) => root.querySelector(sel);

class ApiError extends Error {
  constructor(type, message, status) {
    super(message || type);
    this.type = type;
    this.status = status;
  }
  toString() { return this.type ? `${this.type}: ${this.message}` : this.message; }
}

async function readError(res) {
  let type = res.headers.get('x-amzn-ErrorType') || '', message = '';
  try {
    const body = await res.json();
    type = body.__type || type;
    message = body.message || body.Message || '';
  } catch { /* no JSON body */ }
  type = type.split(':')[0];
  if (type.includes('#')) type = type.split('#').pop();
  return new ApiError(type || `HTTP ${res.status}`, message || res.statusText, res.status);
}

// api calls one Kinesis operation through the console's session.
const api = (op, body = {}) => call(TARGET, op, body);

// fhApi calls one Firehose operation.
const fhApi = (op, body = {}) => call('Firehose_20150804.', op, body);

// kaApi and kaApi2 call one Data Analytics operation of the v1 API (the
// one AWS's console for SQL applications used) and of the v2 API.
const kaApi = (op, body = {}) => call('KinesisAnalytics_20150814.', op, body);
const kaApi2 = (op, body = {}) => call('KinesisAnalytics_20180523.', op, body);

// kvApi calls one Kinesis Video Streams operation (REST-JSON): path is the
// operation's, e.g. '/createStream'.
async function kvApi(path, body = {}) {
  const res = await fetch('/console/rest' + path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Sluice-Csrf': session ? session.csrf : '' },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const err = await readError(res);
    if (res.status === 401 && session && session.auth === 'sigv4') { session = null; route(); }
    throw err;
  }
  const text = await res.text();
  return text ? JSON.parse(text) : {};
}

async function call(target, op, body) {
  const res = await fetch('/console/api', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': target + op,
      'X-Sluice-Csrf': session ? session.csrf : '',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const err = await readError(res);
    if (res.status === 401 && session && session.auth === 'sigv4') { session = null; route(); }
    throw err;
  }
  const text = await res.text();
  return text ? JSON.parse(text) : {};
}

function flash(message, kind = 'info') {
  const box = el('div', { class: 'msg ' + kind }, message);
  $('#flash').append(box);
  setTimeout(() => box.remove(), kind === 'error' ? 10000 : 4000);
}

function errorBox(err) {
  return el('div', { class: 'error-box', role: 'alert' }, String(err));
}

// every schedules fn now and then every ms until the page changes.
function every(ms, fn) {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try { await fn(); } catch (e) { /* each fn shows its own errors */ }
    if (!stopped) timers.push(setTimeout(tick, ms));
  };
  timers.push({ stop: () => { stopped = true; } });
  tick();
}

// onLeave runs fn when the page changes (a player to stop, say).
function onLeave(fn) {
  timers.push({ stop: fn });
}

function clearTimers() {
  for (const t of timers) {
    if (t && t.stop) t.stop(); else clearTimeout(t);
  }
  timers = [];
}

const fmtTime = (secs) => secs ? new Date(secs * 1000).toLocaleString() : '-';
const statusLabel = (s) => s ? s.charAt(0) + s.slice(1).toLowerCase() : '-';
const modeLabel = (m) => m === 'ON_DEMAND' ? 'On-demand' : m === 'PROVISIONED' ? 'Provisioned' : '-';
const enc = (s) => encodeURIComponent(s);

function b64encode(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function b64bytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function showData(bytes, format) {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (format === 'hex') {
    const parts = [];
    for (let i = 0; i < bytes.length; i += 16) {
      const row = Array.from(bytes.slice(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
      parts.push(i.toString(16).padStart(6, '0') + '  ' + row);
    }
    return parts.join('\n');
  }
  if (format === 'json') {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text + '\n(not valid JSON)'; }
  }
  return text;
}

// ---------- session ----------

async function loadSession() {
  const res = await fetch('/console/session', { credentials: 'same-origin' });
  if (!res.ok) throw await readError(res);
  session = await res.json();
  // Cluster mode: the Cluster page is offered (cluster.js).
  $('#nav-server').hidden = !session.cluster;
  if (!session.signedIn) session = session.auth === 'sigv4' ? null : session;
  $('#who').textContent = session ? `${session.accessKeyId} · account ${session.accountId} · ${session.region}` : '';
  $('#sign-out').hidden = !(session && session.auth === 'sigv4');
}

function renderLogin(main) {
  const err = el('div', { id: 'login-error', 'aria-live': 'polite' });
  const form = el('form', { class: 'panel login', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'Sign in'),
    el('p', { class: 'hint' }, 'This server verifies signatures (--auth sigv4). Sign in with an access key from its credentials file.'),
    el('label', { for: 'access-key-id' }, 'Access key ID'),
    el('input', { id: 'access-key-id', type: 'text', autocomplete: 'username', required: true }),
    el('label', { for: 'secret-access-key' }, 'Secret access key'),
    el('input', { id: 'secret-access-key', type: 'password', autocomplete: 'current-password', required: true }),
    el('p', {}, el('button', { class: 'primary', type: 'submit' }, 'Sign in')),
    err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.replaceChildren();
    const res = await fetch('/console/login', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ accessKeyId: $('#access-key-id').value, secretAccessKey: $('#secret-access-key').value }),
    });
    if (!res.ok) { err.append(errorBox(await readError(res))); return; }
    await loadSession();
    route();
  });
  main.replaceChildren(form);
  $('#access-key-id').focus();
}

// ---------- router ----------

function route() {
  clearTimers();
  const main = $('#main');
  if (!session) { renderLogin(main); return; }
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const firehose = parts[0] === 'firehose', analytics = parts[0] === 'analytics', video = parts[0] === 'video';
  const cluster = parts[0] === 'cluster';
  const section = firehose ? 'firehose' : analytics ? 'analytics' : video ? 'video' : cluster ? 'cluster' : 'streams';
  for (const s of ['streams', 'firehose', 'analytics', 'video', 'cluster']) $('#nav-' + s).setAttribute('aria-current', s === section ? 'page' : 'false');
  try {
    if (cluster) kc.page(main);
    else if (analytics) ka.route(main, parts.slice(1));
    else if (video) kv.route(main, parts.slice(1));
    else if (firehose && parts[1] === 'create') fh.create(main);
    else if (firehose && parts[1]) fh.page(main, parts[1]);
    else if (firehose) fh.list(main);
    else if (parts[0] === 'create') renderCreate(main);
    else if (parts[0] === 'streams' && parts[1]) renderStream(main, parts[1], parts[2] || 'monitoring');
    else renderList(main);
  } catch (e) {
    main.replaceChildren(errorBox(e));
  }
}

// ---------- data streams list ----------

function renderList(main) {
  const search = el('input', { id: 'stream-search', type: 'text', placeholder: 'Find data streams', 'aria-label': 'Find data streams' });
  const body = el('tbody');
  const info = el('div', { 'aria-live': 'polite' });
  main.replaceChildren(
    el('h1', {}, 'Data streams'),
    el('div', { class: 'bar' }, search, el('span', { class: 'spacer' }),
      el('button', { class: 'primary', type: 'button', id: 'create-stream', onclick: () => { location.hash = '#/create'; } }, 'Create data stream')),
    info,
    el('table', { 'aria-label': 'Data streams' },
      el('thead', {}, el('tr', {}, ['Name', 'Status', 'Capacity mode', 'Open shards', 'Data retention period', 'Creation time'].map((h) => el('th', { scope: 'col' }, h)))),
      body));
  let rows = [];
  const details = new Map();
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = rows.filter((s) => s.StreamName.toLowerCase().includes(q));
    body.replaceChildren(...shown.map((s) => {
      const d = details.get(s.StreamName) || {};
      return el('tr', {},
        el('td', {}, el('a', { href: '#/streams/' + enc(s.StreamName) }, s.StreamName)),
        el('td', {}, el('span', { class: 'status ' + statusLabel(s.StreamStatus) }, statusLabel(s.StreamStatus))),
        el('td', {}, modeLabel(s.StreamModeDetails && s.StreamModeDetails.StreamMode)),
        el('td', {}, d.OpenShardCount ?? '-'),
        el('td', {}, d.RetentionPeriodHours ? `${d.RetentionPeriodHours} hours` : '-'),
        el('td', {}, fmtTime(s.StreamCreationTimestamp)));
    }));
    if (!shown.length) body.append(el('tr', {}, el('td', { colspan: 6 }, rows.length ? 'No data streams match.' : 'No data streams yet.')));
  };
  search.addEventListener('input', draw);
  every(5000, async () => {
    try {
      const all = [];
      let out = await api('ListStreams', { Limit: 100 });
      all.push(...(out.StreamSummaries || []));
      while (out.HasMoreStreams && out.NextToken && all.length < 1000) {
        out = await api('ListStreams', { NextToken: out.NextToken, Limit: 100 });
        all.push(...(out.StreamSummaries || []));
      }
      rows = all;
      info.replaceChildren();
      draw();
      // Summaries one after another, so the account's DescribeStreamSummary
      // rate (20/s) is not exceeded; a throttled one keeps its last value.
      for (const s of rows.slice(0, 50)) {
        try {
          const d = await api('DescribeStreamSummary', { StreamName: s.StreamName });
          details.set(s.StreamName, d.StreamDescriptionSummary);
        } catch (e) {
          if (e.type !== 'LimitExceededException') details.delete(s.StreamName);
        }
      }
      draw();
    } catch (e) {
      info.replaceChildren(errorBox(e));
    }
  });
}

// ---------- create data stream ----------

const NAME_RE = /^[a-zA-Z0-9_.-]+$/;

function nameProblem(name) {
  if (!name) return 'Enter a data stream name.';
  if (name.length > 128) return 'The name can have at most 128 characters.';
  if (!NAME_RE.test(name)) return 'Use only letters, digits, hyphens (-), underscores (_) and periods (.).';
  return '';
}

// estimateShards follows the AWS console's shard calculator: enough shards
// for the write bandwidth (1 MiB/s and 1,000 records/s each) and for the
// read bandwidth of every consumer (2 MiB/s each).
function estimateShards(recordKiB, recordsPerSec, consumers) {
  const inKiB = recordKiB * recordsPerSec;
  const outKiB = inKiB * Math.max(consumers, 1);
  return Math.max(1, Math.ceil(Math.max(inKiB / 1024, outKiB / 2048, recordsPerSec / 1000)));
}

function capacityText(shards) {
  return `Write capacity: maximum ${shards} MiB/second and ${shards * 1000} records/second. Read capacity: maximum ${shards * 2} MiB/second.`;
}

function renderCreate(main) {
  const nameMsg = el('p', { id: 'stream-name-msg', class: 'invalid', 'aria-live': 'polite' });
  const name = el('input', { id: 'stream-name', type: 'text', maxlength: '128', autocomplete: 'off', 'aria-describedby': 'stream-name-hint stream-name-msg', required: true });
  name.addEventListener('input', () => { nameMsg.textContent = nameProblem(name.value); });

  const shardCount = el('input', { id: 'shard-count', type: 'number', min: '1', value: '1' });
  const capacity = el('p', { id: 'capacity', class: 'hint', 'aria-live': 'polite' }, capacityText(1));
  shardCount.addEventListener('input', () => { capacity.textContent = capacityText(Math.max(1, +shardCount.value || 1)); });
  const estSize = el('input', { id: 'est-record-size', type: 'number', min: '1', value: '1' });
  const estRate = el('input', { id: 'est-records', type: 'number', min: '1', value: '1000' });
  const estConsumers = el('input', { id: 'est-consumers', type: 'number', min: '1', value: '1' });
  const estOut = el('p', { id: 'estimate', class: 'estimate', 'aria-live': 'polite' });
  const updateEstimate = () => {
    const n = estimateShards(+estSize.value || 0, +estRate.value || 0, +estConsumers.value || 1);
    estOut.textContent = `Estimated number of shards: ${n}. ${capacityText(n)}`;
    return n;
  };
  [estSize, estRate, estConsumers].forEach((i) => i.addEventListener('input', updateEstimate));
  updateEstimate();
  const useEstimate = el('button', { type: 'button', onclick: () => { shardCount.value = updateEstimate(); shardCount.dispatchEvent(new Event('input')); } }, 'Use the estimate');

  const provisioned = el('div', { id: 'provisioned-settings', hidden: true },
    el('label', { for: 'shard-count' }, 'Provisioned shards'), shardCount, capacity,
    el('fieldset', {}, el('legend', {}, 'Shard estimator'),
      el('label', { for: 'est-record-size' }, 'Average record size (KiB)'), estSize,
      el('label', { for: 'est-records' }, 'Maximum records written per second'), estRate,
      el('label', { for: 'est-consumers' }, 'Total number of consumers'), estConsumers,
      estOut, useEstimate));
  const modeRadio = (value, label, checked) => el('label', { class: 'inline' },
    el('input', { type: 'radio', name: 'capacity-mode', value, checked, id: 'mode-' + value.toLowerCase() }), label);
  const modes = el('fieldset', { id: 'capacity-mode' }, el('legend', {}, 'Capacity mode'),
    modeRadio('ON_DEMAND', 'On-demand', true), modeRadio('PROVISIONED', 'Provisioned', false),
    el('p', { class: 'hint' }, 'On-demand scales shards with the traffic; Provisioned keeps the shard count you set.'),
    provisioned);
  modes.addEventListener('change', () => {
    provisioned.hidden = $('input[name=capacity-mode]:checked', modes).value !== 'PROVISIONED';
  });

  const tags = el('div', { id: 'tags' });
  let tagN = 0;
  const addTag = () => {
    const i = tagN++;
    const row = el('div', { class: 'bar' },
      el('label', { class: 'inline', for: `tag-key-${i}` }, 'Key'), el('input', { id: `tag-key-${i}`, type: 'text', class: 'tag-key' }),
      el('label', { class: 'inline', for: `tag-value-${i}` }, 'Value'), el('input', { id: `tag-value-${i}`, type: 'text', class: 'tag-value' }),
      el('button', { type: 'button', onclick: () => row.remove() }, 'Remove'));
    tags.append(row);
    $('input', row).focus();
  };
  const err = el('div', { id: 'create-error', 'aria-live': 'polite' });
  const form = el('form', { 'aria-labelledby': 'create-title', novalidate: true },
    el('div', { class: 'panel' },
      el('h2', {}, 'Data stream configuration'),
      el('label', { for: 'stream-name' }, 'Data stream name'), name,
      el('p', { id: 'stream-name-hint', class: 'hint' }, '1 to 128 characters: letters, digits, hyphens, underscores and periods.'),
      nameMsg),
    el('div', { class: 'panel' }, el('h2', {}, 'Data stream capacity'), modes),
    el('div', { class: 'panel' }, el('h2', {}, 'Tags - optional'), tags,
      el('button', { type: 'button', onclick: addTag }, 'Add new tag')),
    err,
    el('div', { class: 'bar' }, el('a', { href: '#/streams' }, 'Cancel'),
      el('button', { class: 'primary', type: 'submit', id: 'create-submit' }, 'Create data stream')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.replaceChildren();
    const problem = nameProblem(name.value);
    if (problem) { nameMsg.textContent = problem; name.focus(); return; }
    const mode = $('input[name=capacity-mode]:checked', form).value;
    const input = { StreamName: name.value, StreamModeDetails: { StreamMode: mode } };
    if (mode === 'PROVISIONED') input.ShardCount = +shardCount.value;
    const tagMap = {};
    for (const row of tags.children) {
      const k = $('.tag-key', row).value.trim();
      if (k) tagMap[k] = $('.tag-value', row).value;
    }
    if (Object.keys(tagMap).length) input.Tags = tagMap;
    try {
      await api('CreateStream', input);
      flash(`Data stream ${name.value} is being created.`);
      location.hash = '#/streams/' + enc(name.value);
    } catch (e) {
      err.append(errorBox(e));
    }
  });
  main.replaceChildren(el('h1', { id: 'create-title' }, 'Create data stream'), form);
  name.focus();
}

// ---------- stream page ----------

const TABS = [
  ['monitoring', 'Monitoring'], ['configuration', 'Configuration'], ['shards', 'Shards'],
  ['fan-out', 'Enhanced fan-out'], ['viewer', 'Data viewer'], ['producer', 'Producer'],
];

function renderStream(main, name, tab) {
  const status = el('span', { id: 'stream-status', class: 'status', role: 'status' }, '…');
  const summary = el('dl', { class: 'summary' });
  const problem = el('div', { 'aria-live': 'polite' });
  const content = el('section', { id: 'tab-content', 'aria-label': (TABS.find((t) => t[0] === tab) || TABS[0])[1] });
  const ctx = { name, desc: null };
  main.replaceChildren(
    el('p', {}, el('a', { href: '#/streams' }, 'Data streams'), ' › ', name),
    el('h1', {}, name, status, el('span', { class: 'spacer' }),
      el('button', { class: 'danger', type: 'button', id: 'delete-stream', onclick: () => confirmDelete(name) }, 'Delete')),
    problem,
    el('div', { class: 'panel' }, el('h2', {}, 'Data stream summary'), summary),
    el('nav', { class: 'tabs', 'aria-label': 'Data stream tabs' },
      TABS.map(([id, label]) => el('a', { href: `#/streams/${enc(name)}/${id}`, 'aria-current': id === tab ? 'page' : false, id: 'tab-' + id }, label))),
    content);

  const refresh = async () => {
    try {
      const d = (await api('DescribeStreamSummary', { StreamName: name })).StreamDescriptionSummary;
      ctx.desc = d;
      status.textContent = statusLabel(d.StreamStatus);
      status.className = 'status ' + statusLabel(d.StreamStatus);
      const item = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
      summary.replaceChildren(
        item('Status', statusLabel(d.StreamStatus)),
        item('Capacity mode', modeLabel(d.StreamModeDetails && d.StreamModeDetails.StreamMode)),
        item('Open shards', d.OpenShardCount),
        item('Data retention period', `${d.RetentionPeriodHours} hours`),
        item('Server-side encryption', d.EncryptionType && d.EncryptionType !== 'NONE' ? `Enabled (${d.KeyId})` : 'Disabled'),
        item('Creation time', fmtTime(d.StreamCreationTimestamp)),
        item('ARN', el('span', { class: 'mono' }, d.StreamARN)),
        item('Maximum record size', d.MaxRecordSizeInKiB ? `${d.MaxRecordSizeInKiB} KiB` : '1024 KiB'),
        item('Consumers with enhanced fan-out', d.ConsumerCount ?? 0));
      problem.replaceChildren();
      return d;
    } catch (e) {
      problem.replaceChildren(errorBox(e));
      if (e.type === 'ResourceNotFoundException') { status.textContent = 'Not found'; }
      throw e;
    }
  };
  ctx.refresh = refresh;
  // Fast while the stream changes state (Creating, Updating), slower after.
  let fast = true;
  const loop = async () => {
    let d = null;
    try { d = await refresh(); } catch { /* shown */ }
    fast = !d || d.StreamStatus !== 'ACTIVE';
  };
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    await loop();
    if (!stopped) timers.push(setTimeout(tick, fast ? 1000 : 5000));
  };
  timers.push({ stop: () => { stopped = true; } });
  tick().then(() => {
    const render = { monitoring: tabMonitoring, configuration: tabConfiguration, shards: tabShards, 'fan-out': tabFanOut, viewer: tabViewer, producer: tabProducer }[tab] || tabMonitoring;
    render(content, ctx);
  });
}

function confirmDelete(name) {
  confirmDeleteOf(name, 'data stream', 'Deleting a data stream deletes its records; it cannot be undone.', async () => {
    await api('DeleteStream', { StreamName: name, EnforceConsumerDeletion: true });
    flash(`Data stream ${name} is being deleted.`);
    location.hash = '#/streams';
  });
}

// confirmDeleteOf asks for the resource's name before deleting it with del.
function confirmDeleteOf(name, what, warning, del) {
  const input = el('input', { id: 'confirm-delete-name', type: 'text', autocomplete: 'off' });
  const go = el('button', { class: 'danger', type: 'submit', id: 'confirm-delete', disabled: true }, 'Delete');
  const err = el('div');
  const dialog = el('dialog', { 'aria-labelledby': 'delete-title' },
    el('form', { method: 'dialog' },
      el('h2', { id: 'delete-title' }, `Delete ${name}?`),
      el('p', {}, warning),
      el('label', { for: 'confirm-delete-name' }, `To confirm, type the ${what}'s name: ${name}`), input, err,
      el('div', { class: 'bar' }, el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), go)));
  input.addEventListener('input', () => { go.disabled = input.value !== name; });
  go.addEventListener('click', async (ev) => {
    ev.preventDefault();
    try {
      await del();
      dialog.close();
    } catch (e) {
      err.replaceChildren(errorBox(e));
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

// ---------- monitoring ----------

const CHARTS = [
  ['incoming-records', 'Incoming data - records (Count)', ['IncomingRecords'], 'sum'],
  ['incoming-bytes', 'Incoming data - bytes', ['IncomingBytes'], 'sum'],
  ['outgoing-records', 'Outgoing data - records (GetRecords and SubscribeToShard)', ['GetRecords.Records', 'SubscribeToShardEvent.Records'], 'sum'],
  ['outgoing-bytes', 'Outgoing data - bytes', ['GetRecords.Bytes', 'SubscribeToShardEvent.Bytes'], 'sum'],
  ['iterator-age', 'GetRecords iterator age - maximum (milliseconds)', ['GetRecords.IteratorAgeMilliseconds'], 'max'],
  ['throttled', 'Throttled requests (write and read, Count)', ['WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded'], 'sum'],
];

function tabMonitoring(content, ctx) {
  monitoring(content, `stream=${enc(ctx.name)}`, CHARTS);
}

// monitoring draws charts of /console/metrics?<query> with a time range.
function monitoring(content, query, defs) {
  const range = el('select', { id: 'time-range' },
    el('option', { value: '60' }, '1 hour'), el('option', { value: '180' }, '3 hours'),
    el('option', { value: '720' }, '12 hours'), el('option', { value: '1440' }, '1 day'));
  const charts = el('div', { class: 'charts' });
  const err = el('div');
  content.replaceChildren(
    el('div', { class: 'bar' }, el('label', { class: 'inline', for: 'time-range' }, 'Time range'), range,
      el('span', { class: 'hint' }, 'One point per minute; the figures live in the server\'s memory since it started.')),
    err, charts);
  const draw = async () => {
    try {
      const res = await fetch(`/console/metrics?${query}&minutes=${range.value}`, { credentials: 'same-origin' });
      if (!res.ok) throw await readError(res);
      const m = await res.json();
      err.replaceChildren();
      charts.replaceChildren(...defs.map(([id, title, names, how]) => {
        const idx = names.map((n) => m.names.indexOf(n));
        const values = m.points.map((p) => {
          const vs = idx.map((i) => p.v[i] || 0);
          return how === 'max' ? Math.max(...vs) : vs.reduce((a, b) => a + b, 0);
        });
        return chart(id, title, m.points.map((p) => p.t), values, how);
      }));
    } catch (e) {
      err.replaceChildren(errorBox(e));
    }
  };
  range.addEventListener('change', draw);
  every(15000, draw);
}

function chart(id, title, times, values, how) {
  const W = 480, H = 150, L = 44, B = 18, T = 8;
  const peak = Math.max(1, ...values);
  const total = how === 'max' ? Math.max(0, ...values) : values.reduce((a, b) => a + b, 0);
  const x = (i) => L + (W - L - 4) * (values.length > 1 ? i / (values.length - 1) : 0);
  const y = (v) => T + (H - T - B) * (1 - v / peak);
  const pts = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const ns = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', preserveAspectRatio: 'none',
    'aria-label': `${title}: ${how === 'max' ? 'maximum' : 'total'} ${total} over the range` });
  const fmt = (t) => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  svg.append(
    s('line', { class: 'axis', x1: L, y1: H - B, x2: W, y2: H - B }),
    s('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }),
    s('text', { x: 2, y: T + 8 }, String(peak)),
    s('text', { x: 2, y: H - B }, '0'),
    s('text', { x: L, y: H - 4 }, times.length ? fmt(times[0]) : ''),
    s('text', { x: W - 2, y: H - 4, 'text-anchor': 'end' }, times.length ? fmt(times[times.length - 1]) : ''));
  if (values.length) {
    svg.append(s('polygon', { class: 'area', points: `${x(0)},${H - B} ${pts} ${x(values.length - 1)},${H - B}` }));
    svg.append(s('polyline', { class: 'line', points: pts }));
  }
  return el('figure', { class: 'chart', id: 'chart-' + id, 'data-total': String(total) },
    el('figcaption', {}, title), svg,
    el('p', { class: 'hint' }, `${how === 'max' ? 'Maximum' : 'Total'} over the range: ${total.toLocaleString()}`));
}

// ---------- configuration ----------

function tabConfiguration(content, ctx) {
  const d = ctx.desc;
  if (!d) { content.replaceChildren(el('p', {}, 'The data stream could not be read.')); return; }
  const saved = (what) => async () => { flash(`${what} saved.`); await ctx.refresh().catch(() => {}); };
  const section = (title, ...body) => el('div', { class: 'panel' }, el('h2', {}, title), ...body);
  const saving = (fn, errBox) => async (ev) => {
    ev.preventDefault();
    errBox.replaceChildren();
    try { await fn(); } catch (e) { errBox.replaceChildren(errorBox(e)); }
  };

  // Retention.
  const retention = el('input', { id: 'retention-hours', type: 'number', min: '24', max: '8760', value: d.RetentionPeriodHours });
  const retErr = el('div');
  const retForm = el('form', {}, el('label', { for: 'retention-hours' }, 'Data retention period (hours)'), retention,
    el('p', { class: 'hint' }, 'From 24 hours (1 day) to 8,760 hours (365 days).'), retErr,
    el('button', { type: 'submit', id: 'save-retention' }, 'Save changes'));
  retForm.addEventListener('submit', saving(async () => {
    const want = +retention.value, have = ctx.desc.RetentionPeriodHours;
    if (want === have) return;
    await api(want > have ? 'IncreaseStreamRetentionPeriod' : 'DecreaseStreamRetentionPeriod', { StreamName: ctx.name, RetentionPeriodHours: want });
    await saved('Data retention period')();
  }, retErr));

  // Capacity mode and shards.
  const mode = d.StreamModeDetails && d.StreamModeDetails.StreamMode;
  const modeSel = el('select', { id: 'config-mode' },
    el('option', { value: 'ON_DEMAND', selected: mode === 'ON_DEMAND' }, 'On-demand'),
    el('option', { value: 'PROVISIONED', selected: mode === 'PROVISIONED' }, 'Provisioned'));
  const modeErr = el('div');
  const modeForm = el('form', {}, el('label', { for: 'config-mode' }, 'Capacity mode'), modeSel, modeErr,
    el('p', {}, el('button', { type: 'submit' }, 'Save capacity mode')));
  modeForm.addEventListener('submit', saving(async () => {
    await api('UpdateStreamMode', { StreamARN: ctx.desc.StreamARN, StreamModeDetails: { StreamMode: modeSel.value } });
    await saved('Capacity mode')();
  }, modeErr));
  const shards = el('input', { id: 'config-shards', type: 'number', min: '1', value: d.OpenShardCount });
  const shardErr = el('div');
  const shardForm = el('form', {}, el('label', { for: 'config-shards' }, 'Number of open shards (UpdateShardCount, uniform scaling)'), shards,
    el('p', { class: 'hint' }, 'Provisioned streams only; at most double or half the current count in one step.'), shardErr,
    el('button', { type: 'submit' }, 'Save shard count'));
  shardForm.addEventListener('submit', saving(async () => {
    await api('UpdateShardCount', { StreamName: ctx.name, TargetShardCount: +shards.value, ScalingType: 'UNIFORM_SCALING' });
    await saved('Shard count')();
  }, shardErr));

  // Record size.
  const maxSize = el('input', { id: 'config-max-record', type: 'number', min: '1024', max: '10240', value: d.MaxRecordSizeInKiB || 1024 });
  const sizeErr = el('div');
  const sizeForm = el('form', {}, el('label', { for: 'config-max-record' }, 'Maximum record size (KiB)'), maxSize,
    el('p', { class: 'hint' }, 'From 1,024 KiB (1 MiB) to 10,240 KiB (10 MiB).'), sizeErr,
    el('button', { type: 'submit' }, 'Save record size'));
  sizeForm.addEventListener('submit', saving(async () => {
    await api('UpdateMaxRecordSize', { StreamARN: ctx.desc.StreamARN, MaxRecordSizeInKiB: +maxSize.value });
    await saved('Maximum record size')();
  }, sizeErr));

  // Encryption.
  const encrypted = d.EncryptionType && d.EncryptionType !== 'NONE';
  const encOn = el('input', { id: 'config-encryption', type: 'checkbox', checked: encrypted });
  const keyId = el('input', { id: 'config-kms-key', type: 'text', value: d.KeyId || 'alias/aws/kinesis' });
  const encErr = el('div');
  const encForm = el('form', {},
    el('label', { class: 'inline', for: 'config-encryption' }, encOn, 'Enable server-side encryption (KMS)'),
    el('label', { for: 'config-kms-key' }, 'AWS KMS key'), keyId, encErr,
    el('p', {}, el('button', { type: 'submit' }, 'Save encryption')));
  encForm.addEventListener('submit', saving(async () => {
    const was = ctx.desc.EncryptionType && ctx.desc.EncryptionType !== 'NONE';
    if (encOn.checked) await api('StartStreamEncryption', { StreamName: ctx.name, EncryptionType: 'KMS', KeyId: keyId.value });
    else if (was) await api('StopStreamEncryption', { StreamName: ctx.name, EncryptionType: 'KMS', KeyId: ctx.desc.KeyId });
    await saved('Encryption')();
  }, encErr));

  // Tags.
  const tagBody = el('tbody');
  const tagErr = el('div');
  const loadTags = async () => {
    try {
      const out = await api('ListTagsForStream', { StreamName: ctx.name });
      tagBody.replaceChildren(...(out.Tags || []).map((t) => el('tr', {},
        el('td', {}, t.Key), el('td', {}, t.Value || ''),
        el('td', {}, el('button', { type: 'button', 'aria-label': `Remove tag ${t.Key}`, onclick: saving(async () => {
          await api('RemoveTagsFromStream', { StreamName: ctx.name, TagKeys: [t.Key] });
          await loadTags();
        }, tagErr) }, 'Remove')))));
      if (!tagBody.children.length) tagBody.append(el('tr', {}, el('td', { colspan: 3 }, 'No tags.')));
    } catch (e) { tagErr.replaceChildren(errorBox(e)); }
  };
  const tagKey = el('input', { id: 'new-tag-key', type: 'text' });
  const tagValue = el('input', { id: 'new-tag-value', type: 'text' });
  const tagForm = el('form', { class: 'bar' },
    el('label', { class: 'inline', for: 'new-tag-key' }, 'Key'), tagKey,
    el('label', { class: 'inline', for: 'new-tag-value' }, 'Value'), tagValue,
    el('button', { type: 'submit' }, 'Add tag'));
  tagForm.addEventListener('submit', saving(async () => {
    await api('AddTagsToStream', { StreamName: ctx.name, Tags: { [tagKey.value]: tagValue.value } });
    tagKey.value = tagValue.value = '';
    await loadTags();
  }, tagErr));
  loadTags();

  content.replaceChildren(
    section('Data retention period', retForm),
    section('Capacity', modeForm, shardForm),
    section('Record size', sizeForm),
    section('Encryption', encForm),
    section('Tags', el('table', { 'aria-label': 'Tags' }, el('thead', {}, el('tr', {}, el('th', {}, 'Key'), el('th', {}, 'Value'), el('th', {}, ''))), tagBody), tagErr, tagForm));
}

// ---------- shards ----------

async function listShards(name) {
  const shards = [];
  let out = await api('ListShards', { StreamName: name });
  shards.push(...(out.Shards || []));
  while (out.NextToken) {
    out = await api('ListShards', { NextToken: out.NextToken });
    shards.push(...(out.Shards || []));
  }
  return shards;
}

function tabShards(content, ctx) {
  const body = el('tbody');
  const err = el('div');
  content.replaceChildren(err, el('table', { 'aria-label': 'Shards' },
    el('thead', {}, el('tr', {}, ['Shard ID', 'Status', 'Starting hash key', 'Ending hash key', 'Parent shards', 'Child shards', 'Starting sequence number'].map((h) => el('th', { scope: 'col' }, h)))),
    body));
  every(5000, async () => {
    try {
      const shards = await listShards(ctx.name);
      const children = new Map();
      for (const s of shards) for (const p of [s.ParentShardId, s.AdjacentParentShardId]) if (p) children.set(p, [...(children.get(p) || []), s.ShardId]);
      body.replaceChildren(...shards.map((s) => el('tr', {},
        el('td', { class: 'mono' }, s.ShardId),
        el('td', {}, s.SequenceNumberRange.EndingSequenceNumber ? 'Closed' : 'Open'),
        el('td', { class: 'mono' }, s.HashKeyRange.StartingHashKey),
        el('td', { class: 'mono' }, s.HashKeyRange.EndingHashKey),
        el('td', { class: 'mono' }, [s.ParentShardId, s.AdjacentParentShardId].filter(Boolean).join(', ') || '-'),
        el('td', { class: 'mono' }, (children.get(s.ShardId) || []).join(', ') || '-'),
        el('td', { class: 'mono' }, s.SequenceNumberRange.StartingSequenceNumber))));
      err.replaceChildren();
    } catch (e) { err.replaceChildren(errorBox(e)); }
  });
}

// ---------- enhanced fan-out ----------

function tabFanOut(content, ctx) {
  const body = el('tbody');
  const err = el('div');
  const name = el('input', { id: 'consumer-name', type: 'text' });
  const form = el('form', { class: 'bar' }, el('label', { class: 'inline', for: 'consumer-name' }, 'Consumer name'), name,
    el('button', { type: 'submit', class: 'primary' }, 'Register consumer'));
  const load = async () => {
    try {
      const out = await api('ListStreamConsumers', { StreamARN: ctx.desc.StreamARN });
      body.replaceChildren(...(out.Consumers || []).map((c) => el('tr', {},
        el('td', {}, c.ConsumerName), el('td', {}, statusLabel(c.ConsumerStatus)),
        el('td', { class: 'mono' }, c.ConsumerARN), el('td', {}, fmtTime(c.ConsumerCreationTimestamp)),
        el('td', {}, el('button', { type: 'button', class: 'danger', 'aria-label': `Deregister ${c.ConsumerName}`, onclick: async () => {
          try { await api('DeregisterStreamConsumer', { ConsumerARN: c.ConsumerARN }); flash(`Consumer ${c.ConsumerName} is being deregistered.`); await load(); } catch (e) { err.replaceChildren(errorBox(e)); }
        } }, 'Deregister')))));
      if (!body.children.length) body.append(el('tr', {}, el('td', { colspan: 5 }, 'No consumers with enhanced fan-out.')));
    } catch (e) { err.replaceChildren(errorBox(e)); }
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.replaceChildren();
    try {
      await api('RegisterStreamConsumer', { StreamARN: ctx.desc.StreamARN, ConsumerName: name.value });
      name.value = '';
      await load();
    } catch (e) { err.replaceChildren(errorBox(e)); }
  });
  content.replaceChildren(form, err, el('table', { 'aria-label': 'Consumers' },
    el('thead', {}, el('tr', {}, ['Consumer name', 'Status', 'ARN', 'Registration time', ''].map((h) => el('th', { scope: 'col' }, h)))), body));
  if (ctx.desc) every(3000, load);
}

// ---------- data viewer ----------

function tabViewer(content, ctx) {
  const shard = el('select', { id: 'viewer-shard' });
  const position = el('select', { id: 'viewer-position' },
    el('option', { value: 'TRIM_HORIZON' }, 'Trim horizon'), el('option', { value: 'LATEST' }, 'Latest'),
    el('option', { value: 'AT_SEQUENCE_NUMBER' }, 'At sequence number'), el('option', { value: 'AT_TIMESTAMP' }, 'At timestamp'));
  const seq = el('input', { id: 'viewer-seq', type: 'text', class: 'mono' });
  const ts = el('input', { id: 'viewer-timestamp', type: 'datetime-local', step: '1' });
  const seqRow = el('div', { hidden: true }, el('label', { for: 'viewer-seq' }, 'Sequence number'), seq);
  const tsRow = el('div', { hidden: true }, el('label', { for: 'viewer-timestamp' }, 'Timestamp (local time)'), ts);
  position.addEventListener('change', () => {
    seqRow.hidden = position.value !== 'AT_SEQUENCE_NUMBER';
    tsRow.hidden = position.value !== 'AT_TIMESTAMP';
  });
  const format = el('select', { id: 'viewer-format' },
    el('option', { value: 'text' }, 'Text'), el('option', { value: 'json' }, 'JSON'), el('option', { value: 'hex' }, 'Hex'));
  const body = el('tbody');
  const info = el('p', { id: 'viewer-info', class: 'hint', 'aria-live': 'polite' });
  const err = el('div');
  const next = el('button', { type: 'button', id: 'viewer-next', disabled: true }, 'Next records');
  let iterator = null;
  let records = [];
  const draw = () => {
    body.replaceChildren(...records.map((r) => el('tr', {},
      el('td', {}, r.PartitionKey), el('td', { class: 'mono' }, r.SequenceNumber),
      el('td', {}, fmtTime(r.ApproximateArrivalTimestamp)),
      el('td', { class: 'data' }, showData(b64bytes(r.Data), format.value)))));
    if (!records.length) body.append(el('tr', {}, el('td', { colspan: 4 }, 'No records in this page.')));
  };
  format.addEventListener('change', draw);
  const page = async () => {
    err.replaceChildren();
    try {
      const out = await api('GetRecords', { ShardIterator: iterator, Limit: 50 });
      records = out.Records || [];
      iterator = out.NextShardIterator || null;
      next.disabled = !iterator;
      info.textContent = `${records.length} record(s); ${out.MillisBehindLatest ?? 0} ms behind the latest record${iterator ? '' : '; the shard is closed and fully read'}.`;
      draw();
    } catch (e) { err.replaceChildren(errorBox(e)); }
  };
  next.addEventListener('click', page);
  const form = el('form', { class: 'panel' },
    el('label', { for: 'viewer-shard' }, 'Shard'), shard,
    el('label', { for: 'viewer-position' }, 'Starting position'), position, seqRow, tsRow,
    el('label', { for: 'viewer-format' }, 'Show data as'), format,
    el('p', { class: 'bar' }, el('button', { type: 'submit', class: 'primary', id: 'viewer-get' }, 'Get records'), next));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.replaceChildren();
    const input = { StreamName: ctx.name, ShardId: shard.value, ShardIteratorType: position.value };
    if (position.value === 'AT_SEQUENCE_NUMBER') input.StartingSequenceNumber = seq.value.trim();
    if (position.value === 'AT_TIMESTAMP') input.Timestamp = ts.value ? new Date(ts.value).getTime() / 1000 : 0;
    try {
      iterator = (await api('GetShardIterator', input)).ShardIterator;
      await page();
    } catch (e) { err.replaceChildren(errorBox(e)); }
  });
  content.replaceChildren(form, err, info, el('table', { 'aria-label': 'Records' },
    el('thead', {}, el('tr', {}, ['Partition key', 'Sequence number', 'Approximate arrival', 'Data'].map((h) => el('th', { scope: 'col' }, h)))), body));
  listShards(ctx.name).then((shards) => {
    shard.replaceChildren(...shards.map((s) => el('option', { value: s.ShardId },
      s.ShardId + (s.SequenceNumberRange.EndingSequenceNumber ? ' (closed)' : ''))));
  }).catch((e) => err.replaceChildren(errorBox(e)));
}

// ---------- producer ----------

function tabProducer(content, ctx) {
  const key = el('input', { id: 'producer-key', type: 'text', value: 'test-key' });
  const data = el('textarea', { id: 'producer-data' }, '{"hello": "sluice"}');
  const out = el('div', { id: 'producer-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'panel' },
    el('p', { class: 'hint' }, 'Puts one record with PutRecord; the data is sent as UTF-8.'),
    el('label', { for: 'producer-key' }, 'Partition key'), key,
    el('label', { for: 'producer-data' }, 'Data'), data,
    el('p', {}, el('button', { type: 'submit', class: 'primary' }, 'Put record')), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    try {
      const r = await api('PutRecord', { StreamName: ctx.name, PartitionKey: key.value, Data: b64encode(data.value) });
      out.append(el('p', {}, `Record put in ${r.ShardId} with sequence number `, el('span', { class: 'mono' }, r.SequenceNumber), '.'));
    } catch (e) { out.append(errorBox(e)); }
  });
  content.replaceChildren(form);
}

// ---------- start ----------

const fh = firehosePages({
  el, $, fhApi, api, flash, errorBox, every, fmtTime, statusLabel, enc, b64encode, b64bytes, showData,
  monitoring, confirmDeleteOf, readError, session: () => session,
});

const ka = analyticsPages({
  el, $, kaApi, kaApi2, api, fhApi, flash, errorBox, every, fmtTime, statusLabel, enc, b64encode, b64bytes,
  confirmDeleteOf, readError, session: () => session,
});

const kv = videoPages({
  el, $, kvApi, flash, errorBox, every, onLeave, fmtTime, statusLabel, enc, b64bytes, confirmDeleteOf, readError,
  session: () => session,
});

const kc = clusterPages({ el, errorBox, every, readError, session: () => session });

$('#sign-out').addEventListener('click', async () => {
  await fetch('/console/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-Sluice-Csrf': session ? session.csrf : '' } });
  session = null;
  $('#who').textContent = '';
  $('#sign-out').hidden = true;
  route();
});
window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (ev) => { flash(String(ev.reason), 'error'); });

(async () => {
  try {
    await loadSession();
    route();
  } catch (e) {
    $('#main').replaceChildren(errorBox(e));
  }
})();
