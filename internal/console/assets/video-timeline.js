// The video stream page's time range (shared by on-demand playback, the
// thumbnail and the fragment list) and its fragment timeline: ListFragments
// over the range, page by page through NextToken, drawn as blocks on a
// time axis so that gaps between fragments show.

const PRESETS = [['300', 'Last 5 minutes'], ['900', 'Last 15 minutes'], ['3600', 'Last hour'],
  ['10800', 'Last 3 hours'], ['86400', 'Last 24 hours'], ['custom', 'Custom range']];

// A gap is a pause between fragments longer than this (ms): producers'
// fragments follow each other within a frame's duration.
const GAP_MS = 250;

const pad = (n, w = 2) => String(n).padStart(w, '0');

// localInput is a datetime-local input's value for t (ms, local time).
function localInput(t) {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const clock = (t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function fmtDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor(s / 60) % 60} min`;
}

export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

// timeRangePanel is the range control: a preset (the last minutes or
// hours, as of each use) or a custom range, and which timestamps select.
export function timeRangePanel(ui) {
  const { el } = ui;
  const preset = el('select', { id: 'kv-range' }, PRESETS.map(([v, label]) => el('option', { value: v, selected: v === '3600' }, label)));
  const type = el('select', { id: 'kv-timestamps' },
    el('option', { value: 'SERVER_TIMESTAMP' }, 'Server timestamps'), el('option', { value: 'PRODUCER_TIMESTAMP' }, 'Producer timestamps'));
  const from = el('input', { id: 'kv-range-start', type: 'datetime-local', step: '1' });
  const to = el('input', { id: 'kv-range-end', type: 'datetime-local', step: '1' });
  const custom = el('span', { class: 'bar inline-bar', hidden: true },
    el('label', { class: 'inline', for: 'kv-range-start' }, 'From'), from,
    el('label', { class: 'inline', for: 'kv-range-end' }, 'To'), to);
  const listeners = [];
  const changed = () => { for (const f of listeners) f(); };
  const showCustom = () => {
    custom.hidden = preset.value !== 'custom';
    if (!custom.hidden && !from.value) {
      const now = Date.now();
      from.value = localInput(now - 3600000);
      to.value = localInput(now);
    }
  };
  preset.addEventListener('change', () => { showCustom(); changed(); });
  for (const i of [type, from, to]) i.addEventListener('change', changed);
  const node = el('div', { class: 'bar compact', role: 'group', 'aria-label': 'Time range' },
    el('label', { class: 'inline', for: 'kv-range' }, 'Time range'), preset, custom,
    el('label', { class: 'inline', for: 'kv-timestamps' }, 'Select by'), type);
  return {
    node,
    // get returns the range now: { type, start, end } in ms.
    get() {
      if (preset.value !== 'custom') {
        const end = Date.now();
        return { type: type.value, start: end - 1000 * +preset.value, end };
      }
      return { type: type.value, start: new Date(from.value).getTime(), end: new Date(to.value).getTime() };
    },
    // set makes it a custom range (ms); whole seconds, the start rounded
    // down and the end up, as the inputs show seconds.
    set(start, end) {
      preset.value = 'custom';
      from.value = localInput(Math.floor(start / 1000) * 1000);
      to.value = localInput(Math.ceil(end / 1000) * 1000);
      showCustom();
      changed();
    },
    onChange(f) { listeners.push(f); },
    // seconds is an API timestamp (epoch seconds) of ms.
    seconds: (ms) => ms / 1000,
  };
}

// fragmentTimeline fills box with the fragment list of ctx's stream.
export function fragmentTimeline(box, ui, ctx, range) {
  const { el, kvApi, errorBox, every } = ui;
  const err = el('div', { 'aria-live': 'polite' });
  const info = el('p', { id: 'kv-fragments-info', 'aria-live': 'polite' }, 'Not listed yet.');
  const axis = el('select', { id: 'kv-axis' },
    el('option', { value: 'fragments' }, 'the fragments listed'), el('option', { value: 'range' }, 'the whole time range'));
  const follow = el('input', { id: 'kv-follow', type: 'checkbox' });
  const pageSize = el('input', { id: 'kv-page-size', type: 'number', min: '1', max: '1000', value: '1000' });
  const more = el('button', { type: 'button', id: 'kv-more-fragments', hidden: true }, 'Load more fragments');
  const chart = el('div', { class: 'timeline', id: 'kv-timeline' });
  const detail = el('div', { id: 'kv-fragment-detail', 'aria-live': 'polite' });
  const body = el('tbody');
  const table = el('details', {}, el('summary', {}, 'Fragment list'),
    el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Fragments' },
      el('thead', {}, el('tr', {}, ['Fragment number', 'Producer timestamp', 'Server timestamp', 'Duration', 'Size'].map((h) => el('th', { scope: 'col' }, h)))),
      body)));
  let fragments = [], next = null, asked = null, selected = null, pages = 0;

  const at = (f) => 1000 * (asked.type === 'PRODUCER_TIMESTAMP' ? f.ProducerTimestamp : f.ServerTimestamp);

  const span = (f) => ({ start: at(f), end: at(f) + f.FragmentLengthInMilliseconds, type: asked.type, number: f.FragmentNumber });

  const draw = () => {
    fragments.sort((a, b) => at(a) - at(b));
    ctx.latest = fragments.length ? span(fragments[fragments.length - 1]) : null;
    const total = fragments.reduce((n, f) => n + f.FragmentLengthInMilliseconds, 0);
    const bytes = fragments.reduce((n, f) => n + f.FragmentSizeInBytes, 0);
    const gaps = [];
    for (let i = 1; i < fragments.length; i++) {
      const end = at(fragments[i - 1]) + fragments[i - 1].FragmentLengthInMilliseconds;
      if (at(fragments[i]) - end > GAP_MS) gaps.push([end, at(fragments[i])]);
    }
    const longest = gaps.reduce((m, [a, b]) => Math.max(m, b - a), 0);
    info.textContent = fragments.length
      ? `${fragments.length} fragment(s)${next ? ' so far' : ''} in ${pages} page(s): ${fmtDuration(total)} of media, ${fmtBytes(bytes)}; ` +
        (gaps.length ? `${gaps.length} gap(s), the longest ${fmtDuration(longest)}.` : 'no gaps.')
      : 'No fragments in this time range.';
    info.dataset.fragments = String(fragments.length);
    info.dataset.gaps = String(gaps.length);
    more.hidden = !next;
    body.replaceChildren(...fragments.map((f) => el('tr', {},
      el('td', { class: 'mono' }, f.FragmentNumber),
      el('td', {}, new Date(1000 * f.ProducerTimestamp).toLocaleString()),
      el('td', {}, new Date(1000 * f.ServerTimestamp).toLocaleString()),
      el('td', {}, fmtDuration(f.FragmentLengthInMilliseconds)),
      el('td', {}, fmtBytes(f.FragmentSizeInBytes)))));
    chart.replaceChildren(svgOf(gaps));
  };

  const svgOf = (gaps) => {
    const W = 1000, H = 64, T = 6, B = 20;
    let lo = asked.start, hi = asked.end;
    if (axis.value === 'fragments' && fragments.length) {
      lo = at(fragments[0]);
      hi = Math.max(...fragments.map((f) => at(f) + f.FragmentLengthInMilliseconds));
      const margin = Math.max(200, (hi - lo) * 0.02);
      lo -= margin;
      hi += margin;
    }
    const span = Math.max(1, hi - lo);
    const x = (t) => (W * (t - lo)) / span;
    const ns = 'http://www.w3.org/2000/svg';
    const s = (tag, attrs, ...kids) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      for (const k of kids) e.append(k);
      return e;
    };
    const title = (text) => s('title', {}, text);
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img',
      'aria-label': `Fragment timeline from ${clock(lo)} to ${clock(hi)}: ${fragments.length} fragment(s), ${gaps.length} gap(s)` });
    svg.append(s('line', { class: 'axis', x1: 0, y1: H - B, x2: W, y2: H - B }));
    for (let i = 0; i <= 4; i++) {
      const t = lo + (span * i) / 4;
      svg.append(s('text', { x: Math.min(W - 2, Math.max(2, x(t))), y: H - 4, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' }, clock(t)));
    }
    for (const [a, b] of gaps) {
      svg.append(s('rect', { class: 'gap', x: x(a), y: T, width: Math.max(1, x(b) - x(a)), height: H - B - T }, title(`Gap of ${fmtDuration(b - a)} (${clock(a)} – ${clock(b)})`)));
    }
    for (const f of fragments) {
      const r = s('rect', {
        class: 'fragment' + (selected === f.FragmentNumber ? ' selected' : ''), 'data-number': f.FragmentNumber,
        x: x(at(f)), y: T, width: Math.max(1.5, x(at(f) + f.FragmentLengthInMilliseconds) - x(at(f)) - 0.5), height: H - B - T,
      }, title(`Fragment ${f.FragmentNumber}\n${new Date(at(f)).toLocaleString()}, ${fmtDuration(f.FragmentLengthInMilliseconds)}, ${fmtBytes(f.FragmentSizeInBytes)}`));
      r.addEventListener('click', () => choose(f));
      svg.append(r);
    }
    return svg;
  };

  const choose = (f) => {
    selected = f.FragmentNumber;
    ctx.fragment = span(f);
    draw();
    detail.replaceChildren(el('p', {},
      'Fragment ', el('span', { class: 'mono' }, f.FragmentNumber), ` at ${new Date(at(f)).toLocaleString()}, ` +
      `${fmtDuration(f.FragmentLengthInMilliseconds)}, ${fmtBytes(f.FragmentSizeInBytes)}. `,
      el('button', { type: 'button', onclick: () => range.set(ctx.fragment.start, ctx.fragment.end) }, 'Use as the time range')));
  };

  const page = async () => {
    const input = { StreamName: ctx.name, MaxResults: Math.min(1000, Math.max(1, +pageSize.value || 1000)) };
    if (next) input.NextToken = next;
    else {
      input.FragmentSelector = {
        FragmentSelectorType: asked.type,
        TimestampRange: { StartTimestamp: asked.start / 1000, EndTimestamp: asked.end / 1000 },
      };
    }
    const out = await kvApi('/listFragments', input);
    fragments.push(...(out.Fragments || []));
    next = out.NextToken || null;
    pages++;
  };

  const list = async () => {
    err.replaceChildren();
    asked = range.get();
    fragments = [];
    next = null;
    pages = 0;
    try {
      await page();
      draw();
    } catch (e) {
      info.textContent = 'The fragments could not be listed.';
      err.replaceChildren(errorBox(e));
    }
  };
  more.addEventListener('click', async () => {
    err.replaceChildren();
    try {
      await page();
      draw();
    } catch (e) { err.replaceChildren(errorBox(e)); }
  });
  axis.addEventListener('change', () => { if (asked) draw(); });
  range.onChange(list);
  box.replaceChildren(
    el('h2', { id: 'kv-timeline-title' }, 'Fragments'),
    el('p', { class: 'hint' }, 'ListFragments over the time range above: each block is a fragment (one MKV cluster), blank space between blocks a gap. Click a block for its details.'),
    el('div', { class: 'bar compact' },
      el('button', { type: 'button', id: 'kv-list-fragments', class: 'primary', onclick: list }, 'List fragments'),
      el('label', { class: 'inline', for: 'kv-page-size' }, 'Fragments per page'), pageSize,
      el('label', { class: 'inline', for: 'kv-axis' }, 'Axis spans'), axis,
      el('label', { class: 'inline', for: 'kv-follow' }, follow, 'Refresh every 5 seconds')),
    err, info, chart, more, detail, table);
  every(5000, async () => { if (follow.checked && !next) await list(); });
  list();
}
