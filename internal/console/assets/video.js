// Kinesis Video Streams pages of the Sluice console: the list of video
// streams, "Create video stream", and a stream's page with its details,
// media playback (video-player.js), the fragment timeline
// (video-timeline.js), data retention, tags and image generation. The
// pages speak the REST-JSON API (kinesisvideo and the archived-media
// operations) through /console/rest; app.js passes in its helpers (ui).

import { timeRangePanel, fragmentTimeline } from './video-timeline.js';
import { playerPanel } from './video-player.js';

const NAME_RE = /^[a-zA-Z0-9_.-]{1,256}$/;
const DEVICE_RE = /^[a-zA-Z0-9_.-]{1,128}$/;
const MEDIA_TYPE_RE = /^[\w.+-]+\/[\w.+-]+(,[\w.+-]+\/[\w.+-]+)*$/;

export function videoPages(ui) {
  const { el, flash, errorBox, every, fmtTime, statusLabel, enc, confirmDeleteOf } = ui;
  // kvApi is app.js's, saying which operation a server without it lacks
  // (its error, UnknownOperationException, has no message of its own).
  const call = ui.kvApi;
  const kvApi = async (path, body) => {
    try {
      return await call(path, body);
    } catch (e) {
      if (e.type === 'UnknownOperationException') e.message = `${e.message}: this server does not serve POST ${path} yet`;
      throw e;
    }
  };
  ui = { ...ui, kvApi };
  const streamHref = (name) => '#/video/streams/' + enc(name);
  const statusBadge = (s) => el('span', { class: 'status ' + statusLabel(s) }, statusLabel(s));
  const retentionText = (h) => h > 0 ? `${h.toLocaleString()} hour${h === 1 ? '' : 's'}` : 'None (0 hours: media is not kept)';

  function route(main, parts) {
    if (parts[0] === 'create') create(main);
    else if (parts[0] === 'streams' && parts[1]) page(main, parts[1]);
    else list(main);
  }

  async function describe(name) {
    return (await kvApi('/describeStream', { StreamName: name })).StreamInfo;
  }

  async function deleteStream(name) {
    // The current version, so a stream changed meanwhile is not deleted
    // unseen (VersionMismatchException).
    const d = await describe(name);
    await kvApi('/deleteStream', { StreamARN: d.StreamARN, CurrentVersion: d.Version });
    flash(`Video stream ${name} is being deleted.`);
  }

  function confirmDelete(name, then) {
    confirmDeleteOf(name, 'video stream', 'Deleting a video stream deletes the media it keeps; it cannot be undone.',
      async () => { await deleteStream(name); then(); });
  }

  // ---------- list ----------

  function list(main) {
    const search = el('input', { id: 'kv-search', type: 'text', placeholder: 'Find video streams', 'aria-label': 'Find video streams' });
    const body = el('tbody');
    const info = el('div', { 'aria-live': 'polite' });
    main.replaceChildren(
      el('h1', {}, 'Video streams'),
      el('p', { class: 'hint' }, 'Kinesis Video Streams: producers send MKV with PutMedia; viewers play it back over HLS.'),
      el('div', { class: 'bar' }, search, el('span', { class: 'spacer' }),
        el('button', { class: 'primary', type: 'button', id: 'kv-create', onclick: () => { location.hash = '#/video/create'; } }, 'Create video stream')),
      info,
      el('table', { 'aria-label': 'Video streams' },
        el('thead', {}, el('tr', {}, ['Name', 'Status', 'Media type', 'Data retention', 'Creation time', ''].map((h) => el('th', { scope: 'col' }, h)))),
        body));
    let rows = null;
    const draw = () => {
      if (!rows) return;
      const q = search.value.trim().toLowerCase();
      const shown = rows.filter((s) => s.StreamName.toLowerCase().includes(q));
      body.replaceChildren(...shown.map((s) => el('tr', {},
        el('td', {}, el('a', { href: streamHref(s.StreamName) }, s.StreamName)),
        el('td', {}, statusBadge(s.Status)),
        el('td', {}, s.MediaType || '-'),
        el('td', {}, retentionText(s.DataRetentionInHours || 0)),
        el('td', {}, fmtTime(s.CreationTime)),
        el('td', {}, el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${s.StreamName}`,
          disabled: s.Status !== 'ACTIVE', onclick: () => confirmDelete(s.StreamName, refresh) }, 'Delete')))));
      if (!shown.length) body.append(el('tr', {}, el('td', { colspan: 6 }, rows.length ? 'No video streams match.' : 'No video streams yet.')));
    };
    search.addEventListener('input', draw);
    const refresh = async () => {
      try {
        const all = [];
        let out = await kvApi('/listStreams', { MaxResults: 1000 });
        all.push(...(out.StreamInfoList || []));
        while (out.NextToken && all.length < 10000) {
          out = await kvApi('/listStreams', { MaxResults: 1000, NextToken: out.NextToken });
          all.push(...(out.StreamInfoList || []));
        }
        rows = all;
        info.replaceChildren();
        draw();
      } catch (e) {
        info.replaceChildren(errorBox(e));
      }
    };
    every(5000, refresh);
  }

  // ---------- create ----------

  function field(id, label, input, hint) {
    return [el('label', { for: id }, label), input, hint ? el('p', { class: 'hint', id: id + '-hint' }, hint) : null];
  }

  function tagRows(container, prefix) {
    const add = () => {
      const n = container.children.length + 1;
      const row = el('div', { class: 'bar tag-row' },
        el('label', { class: 'inline', for: `${prefix}-key-${n}` }, 'Key'), el('input', { id: `${prefix}-key-${n}`, class: 'tag-key', type: 'text' }),
        el('label', { class: 'inline', for: `${prefix}-value-${n}` }, 'Value'), el('input', { id: `${prefix}-value-${n}`, class: 'tag-value', type: 'text' }),
        el('button', { type: 'button', 'aria-label': `Remove tag ${n}`, onclick: () => row.remove() }, 'Remove'));
      container.append(row);
      row.querySelector('input').focus();
    };
    const values = () => {
      const tags = {};
      for (const row of container.children) {
        const k = row.querySelector('.tag-key').value.trim();
        if (k) tags[k] = row.querySelector('.tag-value').value;
      }
      return tags;
    };
    return { add, values };
  }

  function create(main) {
    const name = el('input', { id: 'kv-name', type: 'text', maxlength: '256', autocomplete: 'off', required: true, 'aria-describedby': 'kv-name-hint kv-name-msg' });
    const nameMsg = el('p', { id: 'kv-name-msg', class: 'invalid', 'aria-live': 'polite' });
    name.addEventListener('input', () => {
      nameMsg.textContent = NAME_RE.test(name.value) ? '' : 'Use 1 to 256 letters, digits, hyphens (-), underscores (_) and periods (.).';
    });
    const mediaType = el('input', { id: 'kv-media-type', type: 'text', value: 'video/h264', 'aria-describedby': 'kv-media-type-hint' });
    const keep = el('input', { id: 'kv-retention-on', type: 'checkbox', checked: true });
    const hours = el('input', { id: 'kv-retention', type: 'number', min: '1', max: '87600', value: '24', 'aria-describedby': 'kv-retention-hint' });
    keep.addEventListener('change', () => { hours.disabled = !keep.checked; });
    const device = el('input', { id: 'kv-device', type: 'text', maxlength: '128', autocomplete: 'off' });
    const tags = el('div');
    const tagger = tagRows(tags, 'kv-tag');
    const err = el('div', { 'aria-live': 'polite' });
    const form = el('form', { novalidate: true, 'aria-labelledby': 'kv-create-title' },
      el('div', { class: 'panel' }, el('h2', {}, 'Video stream configuration'),
        ...field('kv-name', 'Video stream name', name, '1 to 256 letters, digits, hyphens, underscores and periods.'), nameMsg,
        ...field('kv-media-type', 'Media type', mediaType, 'A MIME type such as video/h264; HLS playback needs H.264 or H.265 video on track 1.'),
        el('label', { class: 'inline', for: 'kv-retention-on' }, keep, 'Keep media (data retention)'),
        ...field('kv-retention', 'Data retention period (hours)', hours,
          'From 1 to 87,600 hours (10 years). Without retention, media can only be read live with GetMedia; HLS, ListFragments and images need it.'),
        ...field('kv-device', 'Device name - optional', device, 'The name of the camera or other producer.')),
      el('div', { class: 'panel' }, el('h2', {}, 'Tags - optional'), tags,
        el('button', { type: 'button', onclick: tagger.add }, 'Add new tag')),
      err,
      el('div', { class: 'bar' }, el('a', { href: '#/video' }, 'Cancel'),
        el('button', { class: 'primary', type: 'submit' }, 'Create video stream')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.replaceChildren();
      if (!NAME_RE.test(name.value)) { nameMsg.textContent = 'Enter a valid video stream name.'; name.focus(); return; }
      if (mediaType.value && !MEDIA_TYPE_RE.test(mediaType.value)) { err.append(errorBox('The media type is a MIME type such as video/h264.')); mediaType.focus(); return; }
      if (device.value && !DEVICE_RE.test(device.value)) { err.append(errorBox('The device name has 1 to 128 letters, digits, hyphens, underscores and periods.')); device.focus(); return; }
      const input = { StreamName: name.value, DataRetentionInHours: keep.checked ? +hours.value : 0 };
      if (mediaType.value) input.MediaType = mediaType.value;
      if (device.value) input.DeviceName = device.value;
      const t = tagger.values();
      if (Object.keys(t).length) input.Tags = t;
      try {
        await kvApi('/createStream', input);
        flash(`Video stream ${name.value} is being created.`);
        location.hash = streamHref(name.value);
      } catch (e) {
        err.append(errorBox(e));
      }
    });
    main.replaceChildren(el('h1', { id: 'kv-create-title' }, 'Create video stream'), form);
    name.focus();
  }

  // ---------- stream page ----------

  function page(main, name) {
    const status = el('span', { id: 'kv-status', class: 'status', role: 'status' }, '…');
    const summary = el('dl', { class: 'summary', id: 'kv-summary' });
    const problem = el('div', { 'aria-live': 'polite' });
    const media = el('section', { class: 'panel', 'aria-labelledby': 'kv-media-title' });
    const timeline = el('section', { class: 'panel', 'aria-labelledby': 'kv-timeline-title' });
    const settings = el('section', { class: 'panel', 'aria-labelledby': 'kv-settings-title' });
    const tags = el('section', { class: 'panel', 'aria-labelledby': 'kv-tags-title' });
    const images = el('section', { class: 'panel', 'aria-labelledby': 'kv-images-title' });
    const ctx = { name, desc: null, listeners: [] };
    main.replaceChildren(
      el('p', {}, el('a', { href: '#/video' }, 'Video streams'), ' › ', name),
      el('h1', {}, name, status, el('span', { class: 'spacer' }),
        el('button', { type: 'button', id: 'kv-refresh', onclick: () => ctx.refresh().catch(() => {}) }, 'Refresh'),
        el('button', { class: 'danger', type: 'button', id: 'kv-delete', onclick: () => confirmDelete(name, () => { location.hash = '#/video'; }) }, 'Delete')),
      problem,
      el('div', { class: 'panel' }, el('h2', {}, 'Video stream info'), summary),
      media, timeline, settings, tags, images);

    ctx.refresh = async () => {
      try {
        const d = await describe(name);
        ctx.desc = d;
        status.textContent = statusLabel(d.Status);
        status.className = 'status ' + statusLabel(d.Status);
        const item = (k, v, id) => el('div', {}, el('dt', {}, k), el('dd', id ? { id } : {}, v));
        summary.replaceChildren(
          item('Status', statusLabel(d.Status)),
          item('Media type', d.MediaType || '-'),
          item('Data retention period', retentionText(d.DataRetentionInHours || 0), 'kv-retention-now'),
          item('Device name', d.DeviceName || '-'),
          item('Version', el('span', { class: 'mono' }, d.Version), 'kv-version'),
          item('Creation time', fmtTime(d.CreationTime)),
          item('ARN', el('span', { class: 'mono' }, d.StreamARN)),
          item('KMS key', el('span', { class: 'mono' }, d.KmsKeyId || '-')));
        problem.replaceChildren();
        for (const f of ctx.listeners) f(d);
        return d;
      } catch (e) {
        problem.replaceChildren(errorBox(e));
        if (e.type === 'ResourceNotFoundException') status.textContent = 'Not found';
        throw e;
      }
    };
    // Fast while the stream changes state (Creating, Updating), slower after.
    let first = true;
    every(1000, async () => {
      const d = ctx.desc;
      if (!first && d && d.Status === 'ACTIVE' && Date.now() - (ctx.checked || 0) < 10000) return;
      ctx.checked = Date.now();
      try { await ctx.refresh(); } catch { return; }
      if (first) {
        first = false;
        const range = timeRangePanel(ui);
        playerPanel(media, ui, ctx, range);
        fragmentTimeline(timeline, ui, ctx, range);
        settingsPanel(settings, ctx);
        tagsPanel(tags, ctx);
        imagesPanel(images, ctx);
      }
    });
  }

  const saving = (fn, box) => async (ev) => {
    ev.preventDefault();
    box.replaceChildren();
    try { await fn(); } catch (e) { box.replaceChildren(errorBox(e)); }
  };

  // Data retention (UpdateDataRetention) and the device name and media
  // type (UpdateStream), each with the stream's current version.
  function settingsPanel(box, ctx) {
    const d = ctx.desc;
    const hours = el('input', { id: 'kv-retention-hours', type: 'number', min: '0', max: '87600', value: d.DataRetentionInHours || 0 });
    const plan = el('p', { class: 'hint', id: 'kv-retention-plan', 'aria-live': 'polite' });
    const retErr = el('div');
    const explain = () => {
      const want = +hours.value, have = ctx.desc.DataRetentionInHours || 0;
      plan.textContent = want === have ? 'No change.'
        : `UpdateDataRetention ${want > have ? 'INCREASE_DATA_RETENTION' : 'DECREASE_DATA_RETENTION'} by ${Math.abs(want - have)} hour(s), with version ${ctx.desc.Version}.`;
    };
    hours.addEventListener('input', explain);
    const retForm = el('form', {},
      el('label', { for: 'kv-retention-hours' }, 'Data retention period (hours)'), hours,
      el('p', { class: 'hint' }, 'From 0 to 87,600 hours. A decrease applies to media already stored; an increase only to media stored from now on.'),
      plan, retErr, el('button', { type: 'submit', id: 'kv-save-retention' }, 'Save retention'));
    retForm.addEventListener('submit', saving(async () => {
      const want = +hours.value, have = ctx.desc.DataRetentionInHours || 0;
      if (want === have) return;
      await kvApi('/updateDataRetention', {
        StreamName: ctx.name, CurrentVersion: ctx.desc.Version,
        Operation: want > have ? 'INCREASE_DATA_RETENTION' : 'DECREASE_DATA_RETENTION',
        DataRetentionChangeInHours: Math.abs(want - have),
      });
      flash('Data retention period saved.');
      await ctx.refresh();
    }, retErr));

    const device = el('input', { id: 'kv-device-name', type: 'text', value: d.DeviceName || '' });
    const mediaType = el('input', { id: 'kv-media-type-edit', type: 'text', value: d.MediaType || '' });
    const updErr = el('div');
    const updForm = el('form', { class: 'subform' },
      el('div', { class: 'form-grid' },
        el('div', {}, el('label', { for: 'kv-device-name' }, 'Device name'), device),
        el('div', {}, el('label', { for: 'kv-media-type-edit' }, 'Media type'), mediaType)), updErr,
      el('p', {}, el('button', { type: 'submit' }, 'Save device and media type')));
    updForm.addEventListener('submit', saving(async () => {
      const input = { StreamName: ctx.name, CurrentVersion: ctx.desc.Version };
      if (device.value) input.DeviceName = device.value;
      if (mediaType.value) input.MediaType = mediaType.value;
      await kvApi('/updateStream', input);
      flash('Stream settings saved.');
      await ctx.refresh();
    }, updErr));
    // The form follows the stream unless someone is editing it.
    ctx.listeners.push((nd) => {
      if (document.activeElement !== hours) hours.value = nd.DataRetentionInHours || 0;
      if (!updForm.contains(document.activeElement)) {
        device.value = nd.DeviceName || '';
        mediaType.value = nd.MediaType || '';
      }
      explain();
    });
    explain();
    box.replaceChildren(el('h2', { id: 'kv-settings-title' }, 'Data retention and settings'), retForm, updForm);
  }

  function tagsPanel(box, ctx) {
    const body = el('tbody');
    const err = el('div');
    const load = async () => {
      try {
        const all = {};
        let out = await kvApi('/listTagsForStream', { StreamName: ctx.name });
        Object.assign(all, out.Tags || {});
        while (out.NextToken) {
          out = await kvApi('/listTagsForStream', { StreamName: ctx.name, NextToken: out.NextToken });
          Object.assign(all, out.Tags || {});
        }
        body.replaceChildren(...Object.entries(all).sort().map(([k, v]) => el('tr', {},
          el('td', {}, k), el('td', {}, v),
          el('td', {}, el('button', { type: 'button', 'aria-label': `Remove tag ${k}`, onclick: saving(async () => {
            await kvApi('/untagStream', { StreamName: ctx.name, TagKeyList: [k] });
            await load();
          }, err) }, 'Remove')))));
        if (!body.children.length) body.append(el('tr', {}, el('td', { colspan: 3 }, 'No tags.')));
      } catch (e) { err.replaceChildren(errorBox(e)); }
    };
    const key = el('input', { id: 'kv-new-tag-key', type: 'text' });
    const value = el('input', { id: 'kv-new-tag-value', type: 'text' });
    const form = el('form', { class: 'bar' },
      el('label', { class: 'inline', for: 'kv-new-tag-key' }, 'Key'), key,
      el('label', { class: 'inline', for: 'kv-new-tag-value' }, 'Value'), value,
      el('button', { type: 'submit' }, 'Add tag'));
    form.addEventListener('submit', saving(async () => {
      await kvApi('/tagStream', { StreamName: ctx.name, Tags: { [key.value]: value.value } });
      key.value = value.value = '';
      await load();
    }, err));
    box.replaceChildren(el('h2', { id: 'kv-tags-title' }, 'Tags'),
      el('table', { 'aria-label': 'Tags' }, el('thead', {}, el('tr', {}, el('th', {}, 'Key'), el('th', {}, 'Value'), el('th', {}, ''))), body),
      err, form);
    load();
  }

  // Image generation: the stored configuration (AWS delivers images to S3
  // on a schedule; Sluice stores and describes it).
  function imagesPanel(box, ctx) {
    const enabled = el('input', { id: 'kv-ig-enabled', type: 'checkbox' });
    const selector = el('select', { id: 'kv-ig-selector' },
      el('option', { value: 'SERVER_TIMESTAMP' }, 'Server timestamp'), el('option', { value: 'PRODUCER_TIMESTAMP' }, 'Producer timestamp'));
    const uri = el('input', { id: 'kv-ig-uri', type: 'text', placeholder: 's3://bucket/prefix' });
    const region = el('input', { id: 'kv-ig-region', type: 'text', value: ui.session().region });
    const interval = el('input', { id: 'kv-ig-interval', type: 'number', min: '200', max: '20000', value: '3000' });
    const format = el('select', { id: 'kv-ig-format' }, el('option', { value: 'JPEG' }, 'JPEG'), el('option', { value: 'PNG' }, 'PNG'));
    const width = el('input', { id: 'kv-ig-width', type: 'number', min: '1', max: '3840', placeholder: 'source width' });
    const height = el('input', { id: 'kv-ig-height', type: 'number', min: '1', max: '2160', placeholder: 'source height' });
    const state = el('p', { id: 'kv-ig-state', 'aria-live': 'polite' });
    const err = el('div');
    const load = async () => {
      try {
        const c = (await kvApi('/describeImageGenerationConfiguration', { StreamName: ctx.name })).ImageGenerationConfiguration;
        if (!c) { state.textContent = 'No image generation configuration.'; return; }
        state.textContent = `Image generation is ${c.Status === 'ENABLED' ? 'enabled' : 'disabled'}: ${c.Format} every ${c.SamplingInterval} ms to ${c.DestinationConfig.Uri}.`;
        enabled.checked = c.Status === 'ENABLED';
        selector.value = c.ImageSelectorType;
        uri.value = c.DestinationConfig.Uri;
        region.value = c.DestinationConfig.DestinationRegion;
        interval.value = c.SamplingInterval;
        format.value = c.Format;
        width.value = c.WidthPixels || '';
        height.value = c.HeightPixels || '';
      } catch (e) { err.replaceChildren(errorBox(e)); }
    };
    const cell = (...f) => el('div', {}, ...f);
    const form = el('form', {},
      el('label', { class: 'inline', for: 'kv-ig-enabled' }, enabled, 'Enabled'),
      el('div', { class: 'form-grid' },
        cell(...field('kv-ig-uri', 'Destination S3 URI', uri)),
        cell(...field('kv-ig-region', 'Destination region', region)),
        cell(...field('kv-ig-selector', 'Image selector', selector)),
        cell(...field('kv-ig-interval', 'Sampling interval (milliseconds)', interval)),
        cell(...field('kv-ig-format', 'Format', format)),
        cell(...field('kv-ig-width', 'Width (pixels) - optional', width)),
        cell(...field('kv-ig-height', 'Height (pixels) - optional', height))),
      err,
      el('div', { class: 'bar' },
        el('button', { type: 'submit' }, 'Save image generation'),
        el('button', { type: 'button', id: 'kv-ig-remove', onclick: saving(async () => {
          await kvApi('/updateImageGenerationConfiguration', { StreamName: ctx.name });
          flash('Image generation configuration removed.');
          await load();
        }, err) }, 'Remove configuration')));
    form.addEventListener('submit', saving(async () => {
      const c = {
        Status: enabled.checked ? 'ENABLED' : 'DISABLED', ImageSelectorType: selector.value,
        DestinationConfig: { Uri: uri.value, DestinationRegion: region.value },
        SamplingInterval: +interval.value, Format: format.value,
      };
      if (width.value) c.WidthPixels = +width.value;
      if (height.value) c.HeightPixels = +height.value;
      await kvApi('/updateImageGenerationConfiguration', { StreamName: ctx.name, ImageGenerationConfiguration: c });
      flash('Image generation configuration saved.');
      await load();
    }, err));
    box.replaceChildren(el('h2', { id: 'kv-images-title' }, 'Image generation'),
      el('p', { class: 'hint' }, 'Stored and described as AWS does; the thumbnail above is read on demand with GetImages.'), state, form);
    load();
  }

  return { route };
}
