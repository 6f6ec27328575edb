// The video stream page's media panel: live and on-demand playback of
// GetHLSStreamingSessionURL's playlist, with the browser's own HLS where it
// has it and otherwise hls.js (vendored under vendor/hls.js with its
// licence, loaded only when needed), and a thumbnail from GetImages.

const HLS_JS = './vendor/hls.js/hls.light.min.mjs';
const HLS_TYPE = 'application/vnd.apple.mpegurl';

let hlsModule = null;
async function loadHls() {
  if (!hlsModule) hlsModule = import(HLS_JS).then((m) => m.default);
  return hlsModule;
}

// sameOrigin points a playback URL at the console's own origin: the API
// and the console share the one port, and the page's Content-Security-
// Policy lets it load media only from there (a --public-url behind a
// proxy may name another host).
function sameOrigin(url) {
  const u = new URL(url, location.href);
  return location.origin + u.pathname + u.search;
}

export function playerPanel(box, ui, ctx, range) {
  const { el, kvApi, errorBox, readError, onLeave } = ui;
  const mode = el('select', { id: 'kv-play-mode' },
    el('option', { value: 'LIVE' }, 'Live'), el('option', { value: 'ON_DEMAND' }, 'On demand (the time range)'));
  const engine = el('select', { id: 'kv-player' },
    el('option', { value: 'auto' }, 'Automatic'), el('option', { value: 'hls.js' }, 'hls.js'), el('option', { value: 'native' }, 'The browser\'s own HLS'));
  const container = el('select', { id: 'kv-container' },
    el('option', { value: 'FRAGMENTED_MP4' }, 'Fragmented MP4'), el('option', { value: 'MPEG_TS' }, 'MPEG-TS'));
  const video = el('video', { id: 'kv-video', controls: true, muted: true, playsinline: true, 'aria-label': 'Video playback' });
  video.muted = true; // autoplay needs it
  const state = el('p', { id: 'kv-play-state', 'aria-live': 'polite' }, 'Not playing.');
  const err = el('div', { id: 'kv-play-error', 'aria-live': 'polite' });
  const urlBox = el('p', { class: 'hint', id: 'kv-play-url' });
  const play = el('button', { type: 'button', class: 'primary', id: 'kv-play' }, 'Play');
  const stop = el('button', { type: 'button', id: 'kv-stop', disabled: true }, 'Stop');
  let hls = null;

  const halt = () => {
    if (hls) { hls.destroy(); hls = null; }
    video.removeAttribute('src');
    video.load();
    stop.disabled = true;
    delete video.dataset.engine;
  };
  onLeave(halt);

  const fail = (e) => {
    err.replaceChildren(errorBox(e));
    state.textContent = 'Not playing.';
  };

  play.addEventListener('click', async () => {
    halt();
    err.replaceChildren();
    urlBox.replaceChildren();
    state.textContent = 'Asking for a playback session…';
    const input = { StreamName: ctx.name, PlaybackMode: mode.value, ContainerFormat: container.value, Expires: 3600 };
    if (mode.value === 'ON_DEMAND') {
      const r = range.get();
      input.HLSFragmentSelector = { FragmentSelectorType: r.type, TimestampRange: { StartTimestamp: r.start / 1000, EndTimestamp: r.end / 1000 } };
    }
    let url;
    try {
      url = sameOrigin((await kvApi('/getHLSStreamingSessionURL', input)).HLSStreamingSessionURL);
      // The master playlist once first, so that a refusal shows the
      // server's own error rather than a player's summary of it.
      const res = await fetch(url, { credentials: 'omit' });
      if (!res.ok) throw await readError(res);
    } catch (e) {
      fail(e);
      return;
    }
    urlBox.replaceChildren('Session URL (for VLC, ffplay and other HLS players): ', el('span', { class: 'mono' }, url));
    const native = video.canPlayType(HLS_TYPE) !== '';
    let use = engine.value === 'auto' ? (native ? 'native' : 'hls.js') : engine.value;
    try {
      if (use === 'hls.js') {
        const Hls = await loadHls();
        if (!Hls.isSupported()) throw new Error('This browser has no Media Source Extensions: hls.js cannot play here.');
        hls = new Hls({ enableWorker: false });
        hls.on(Hls.Events.ERROR, (_, data) => {
          if (!data.fatal) return;
          const code = data.response && data.response.code ? ` (HTTP ${data.response.code})` : '';
          fail(`hls.js: ${data.type}: ${data.details}${code}${data.error ? ': ' + data.error.message : ''}`);
          halt();
        });
        hls.loadSource(url);
        hls.attachMedia(video);
        use = `hls.js ${Hls.version}`;
      } else {
        if (!native) throw new Error('This browser has no HLS of its own: choose hls.js.');
        video.src = url;
        use = 'the browser\'s own HLS';
      }
    } catch (e) {
      fail(e);
      return;
    }
    video.dataset.engine = use.startsWith('hls.js') ? 'hls.js' : 'native';
    stop.disabled = false;
    state.textContent = `${mode.value === 'LIVE' ? 'Live' : 'On demand'}, played with ${use}.`;
    video.play().catch(() => { /* the controls can start it */ });
  });
  stop.addEventListener('click', () => { halt(); state.textContent = 'Stopped.'; });
  video.addEventListener('error', () => {
    if (video.dataset.engine === 'native' && video.error) fail(`The browser could not play the stream: ${video.error.message || 'error ' + video.error.code}`);
  });

  // Thumbnail: GetImages for the fragment chosen on the timeline, else the
  // newest one listed, else the time range.
  const thumb = el('figure', { class: 'thumb', id: 'kv-thumbnail' });
  const thumbErr = el('div', { id: 'kv-thumbnail-error', 'aria-live': 'polite' });
  const getThumb = el('button', { type: 'button', id: 'kv-get-thumbnail' }, 'Get thumbnail');
  getThumb.addEventListener('click', async () => {
    thumbErr.replaceChildren();
    const f = ctx.fragment || ctx.latest;
    // GetImages takes at most 300 s: the range's first five minutes.
    const whole = range.get();
    const r = f || { ...whole, end: Math.min(whole.end, whole.start + 300000) };
    const what = f ? `fragment …${f.number.slice(-8)}` : 'the time range';
    try {
      const out = await kvApi('/getImages', {
        StreamName: ctx.name, ImageSelectorType: r.type,
        StartTimestamp: r.start / 1000, EndTimestamp: r.end / 1000,
        SamplingInterval: 3000, Format: 'JPEG', MaxResults: 1,
      });
      const img = (out.Images || []).find((i) => i.ImageContent);
      if (!img) {
        const why = (out.Images || []).map((i) => i.Error).filter(Boolean)[0] || 'no image';
        thumb.replaceChildren(el('figcaption', {}, `No image for ${what}: ${why}.`));
        return;
      }
      thumb.replaceChildren(
        el('img', { src: 'data:image/jpeg;base64,' + img.ImageContent, alt: `Frame at ${new Date(1000 * img.TimeStamp).toLocaleString()}` }),
        el('figcaption', {}, `${new Date(1000 * img.TimeStamp).toLocaleString()} (${what})`));
    } catch (e) {
      thumbErr.replaceChildren(errorBox(e));
    }
  });

  box.replaceChildren(
    el('h2', { id: 'kv-media-title' }, 'Media playback'),
    range.node,
    el('div', { class: 'bar compact' },
      el('label', { class: 'inline', for: 'kv-play-mode' }, 'Playback mode'), mode,
      el('label', { class: 'inline', for: 'kv-container' }, 'Container'), container,
      el('label', { class: 'inline', for: 'kv-player' }, 'Player'), engine, play, stop),
    el('div', { class: 'media' },
      el('div', { class: 'player' }, video, state, err, urlBox),
      el('div', { class: 'thumbnail' }, el('h3', {}, 'Thumbnail (GetImages)'), getThumb, thumbErr, thumb)));
}
