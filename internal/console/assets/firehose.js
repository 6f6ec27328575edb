// Amazon Data Firehose pages of the Sluice console: the list of Firehose
// streams, "Create Firehose stream", and a stream's page with its
// configuration, its recent delivery failures, charts, a test-record sender
// and, when the server delivers to its local directory, a browser of the
// delivered objects. app.js passes
// in its helpers (ui), so the two files share one way of building pages.

const NAME_RE = /^[a-zA-Z0-9_.-]{1,64}$/;
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const CHARTS = [
  ['fh-incoming-records', 'Incoming records (Count)', ['IncomingRecords'], 'sum'],
  ['fh-incoming-bytes', 'Incoming bytes', ['IncomingBytes'], 'sum'],
  ['fh-delivered-records', 'Delivery to Amazon S3 - records (Count)', ['DeliveryToS3.Records'], 'sum'],
  ['fh-delivered-bytes', 'Delivery to Amazon S3 - bytes', ['DeliveryToS3.Bytes'], 'sum'],
  ['fh-freshness', 'Delivery to Amazon S3 data freshness - maximum (seconds)', ['DeliveryToS3.DataFreshness'], 'max'],
  ['fh-failures', 'Delivery to Amazon S3 failed attempts (Count)', ['DeliveryToS3.Failures'], 'sum'],
];

export function firehosePages(ui) {
  const { el, $, fhApi, api, flash, errorBox, every, fmtTime, statusLabel, enc, b64encode, b64bytes, showData, monitoring, confirmDeleteOf } = ui;

  const sourceLabel = (d) => d.DeliveryStreamType === 'KinesisStreamAsSource'
    ? `Amazon Kinesis Data Streams (${d.Source.KinesisStreamSourceDescription.KinesisStreamARN.split('/').pop()})`
    : 'Direct PUT';
  const destination = (d) => {
    const dest = d.Destinations[0] || {};
    return dest.ExtendedS3DestinationDescription || dest.S3DestinationDescription || {};
  };
  const bucketOf = (d) => (destination(d).BucketARN || '').split(':').pop();

  function list(main) {
    const body = el('tbody');
    const info = el('div', { 'aria-live': 'polite' });
    main.replaceChildren(
      el('h1', {}, 'Firehose streams'),
      el('div', { class: 'bar' }, el('span', { class: 'spacer' }),
        el('button', { class: 'primary', type: 'button', onclick: () => { location.hash = '#/firehose/create'; } }, 'Create Firehose stream')),
      info,
      el('table', { 'aria-label': 'Firehose streams' },
        el('thead', {}, el('tr', {}, ['Name', 'Status', 'Source', 'Destination', 'Creation time'].map((h) => el('th', { scope: 'col' }, h)))),
        body));
    every(5000, async () => {
      try {
        const names = (await fhApi('ListDeliveryStreams', { Limit: 100 })).DeliveryStreamNames || [];
        const rows = [];
        for (const n of names) {
          try {
            rows.push((await fhApi('DescribeDeliveryStream', { DeliveryStreamName: n })).DeliveryStreamDescription);
          } catch { /* deleted meanwhile */ }
        }
        body.replaceChildren(...rows.map((d) => el('tr', {},
          el('td', {}, el('a', { href: '#/firehose/' + enc(d.DeliveryStreamName) }, d.DeliveryStreamName)),
          el('td', {}, el('span', { class: 'status ' + statusLabel(d.DeliveryStreamStatus) }, statusLabel(d.DeliveryStreamStatus))),
          el('td', {}, sourceLabel(d)),
          el('td', {}, `Amazon S3 (${bucketOf(d)})`),
          el('td', {}, fmtTime(d.CreateTimestamp)))));
        if (!rows.length) body.append(el('tr', {}, el('td', { colspan: 5 }, 'No Firehose streams yet.')));
        info.replaceChildren();
      } catch (e) {
        info.replaceChildren(errorBox(e));
      }
    });
  }

  function field(id, label, input, hint) {
    return [el('label', { for: id }, label), input, hint ? el('p', { class: 'hint', id: id + '-hint' }, hint) : null];
  }

  function create(main) {
    const source = el('select', { id: 'fh-source' },
      el('option', { value: 'DirectPut' }, 'Direct PUT'), el('option', { value: 'KinesisStreamAsSource' }, 'Amazon Kinesis Data Streams'));
    const stream = el('select', { id: 'fh-source-stream' });
    const streamRow = el('div', { hidden: true }, ...field('fh-source-stream', 'Kinesis data stream', stream));
    source.addEventListener('change', async () => {
      streamRow.hidden = source.value !== 'KinesisStreamAsSource';
      if (!streamRow.hidden && !stream.children.length) {
        const out = await api('ListStreams', { Limit: 100 });
        stream.replaceChildren(...(out.StreamSummaries || []).map((s) => el('option', { value: s.StreamARN }, s.StreamName)));
      }
    });
    const name = el('input', { id: 'fh-name', type: 'text', maxlength: '64', autocomplete: 'off', required: true });
    const nameMsg = el('p', { class: 'invalid', 'aria-live': 'polite' });
    name.addEventListener('input', () => {
      nameMsg.textContent = NAME_RE.test(name.value) ? '' : '1 to 64 characters: letters, digits, hyphens, underscores and periods.';
    });
    const bucket = el('input', { id: 'fh-bucket', type: 'text', autocomplete: 'off', required: true });
    const prefix = el('input', { id: 'fh-prefix', type: 'text' });
    const errorPrefix = el('input', { id: 'fh-error-prefix', type: 'text' });
    const size = el('input', { id: 'fh-buffer-size', type: 'number', min: '1', max: '128', value: '5' });
    const interval = el('input', { id: 'fh-buffer-interval', type: 'number', min: '0', max: '900', value: '300' });
    const compression = el('select', { id: 'fh-compression' },
      ...['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'].map((c) => el('option', { value: c }, c === 'UNCOMPRESSED' ? 'Not enabled' : c)));
    const extension = el('input', { id: 'fh-extension', type: 'text', placeholder: '.json' });
    const zone = el('input', { id: 'fh-time-zone', type: 'text', placeholder: 'UTC' });
    const err = el('div', { 'aria-live': 'polite' });
    const form = el('form', { novalidate: true, 'aria-labelledby': 'fh-create-title' },
      el('div', { class: 'panel' }, el('h2', {}, 'Choose source and destination'),
        ...field('fh-source', 'Source', source), streamRow,
        el('p', {}, 'Destination: Amazon S3')),
      el('div', { class: 'panel' }, el('h2', {}, 'Firehose stream name'),
        ...field('fh-name', 'Firehose stream name', name, 'The name of the stream: 1 to 64 letters, digits, hyphens, underscores and periods.'), nameMsg),
      el('div', { class: 'panel' }, el('h2', {}, 'Destination settings'),
        ...field('fh-bucket', 'S3 bucket', bucket, 'The bucket name. Without --s3-endpoint, objects go to <data-dir>/s3/<bucket>/.'),
        ...field('fh-prefix', 'S3 bucket prefix - optional', prefix, 'For example logs/ or year=!{timestamp:yyyy}/. Without a timestamp expression, YYYY/MM/dd/HH/ is added.'),
        ...field('fh-error-prefix', 'S3 bucket error output prefix - optional', errorPrefix, 'Required when the prefix has expressions; may use !{firehose:error-output-type}.'),
        ...field('fh-buffer-size', 'Buffer size (MiB)', size, '1 to 128 MiB.'),
        ...field('fh-buffer-interval', 'Buffer interval (seconds)', interval, '0 to 900 seconds; whichever hint is reached first delivers.'),
        ...field('fh-compression', 'Compression for data records', compression),
        ...field('fh-extension', 'File extension - optional', extension, 'Replaces the compression\'s extension.'),
        ...field('fh-time-zone', 'Time zone for prefixes - optional', zone, 'An IANA time zone name, for example Europe/Paris; UTC when empty.')),
      err,
      el('div', { class: 'bar' }, el('a', { href: '#/firehose' }, 'Cancel'),
        el('button', { class: 'primary', type: 'submit' }, 'Create Firehose stream')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.replaceChildren();
      if (!NAME_RE.test(name.value)) { name.focus(); nameMsg.textContent = 'Enter a valid Firehose stream name.'; return; }
      if (!BUCKET_RE.test(bucket.value)) { bucket.focus(); err.append(errorBox('Enter a valid S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens).')); return; }
      // Sluice does not use IAM roles; the API requires one, so the
      // console names one in the signed-in account.
      const role = `arn:aws:iam::${ui.session().accountId}:role/firehose-delivery`;
      const dest = {
        RoleARN: role, BucketARN: 'arn:aws:s3:::' + bucket.value,
        BufferingHints: { SizeInMBs: +size.value, IntervalInSeconds: +interval.value },
        CompressionFormat: compression.value,
      };
      if (prefix.value) dest.Prefix = prefix.value;
      if (errorPrefix.value) dest.ErrorOutputPrefix = errorPrefix.value;
      if (extension.value) dest.FileExtension = extension.value;
      if (zone.value) dest.CustomTimeZone = zone.value;
      const input = { DeliveryStreamName: name.value, DeliveryStreamType: source.value, ExtendedS3DestinationConfiguration: dest };
      if (source.value === 'KinesisStreamAsSource') input.KinesisStreamSourceConfiguration = { KinesisStreamARN: stream.value, RoleARN: role };
      try {
        await fhApi('CreateDeliveryStream', input);
        flash(`Firehose stream ${name.value} is being created.`);
        location.hash = '#/firehose/' + enc(name.value);
      } catch (e) {
        err.append(errorBox(e));
      }
    });
    main.replaceChildren(el('h1', { id: 'fh-create-title' }, 'Create Firehose stream'), form);
    name.focus();
  }

  function page(main, name) {
    const status = el('span', { id: 'firehose-status', class: 'status', role: 'status' }, '…');
    const summary = el('dl', { class: 'summary' });
    const problem = el('div', { 'aria-live': 'polite' });
    const charts = el('section', { 'aria-label': 'Monitoring' });
    const sender = el('section', { class: 'panel', 'aria-labelledby': 'fh-test-title' });
    const objects = el('section', { class: 'panel', 'aria-labelledby': 'fh-objects-title' });
    const failures = el('section', { class: 'panel', 'aria-labelledby': 'fh-failures-title' });
    main.replaceChildren(
      el('p', {}, el('a', { href: '#/firehose' }, 'Firehose streams'), ' › ', name),
      el('h1', {}, name, status, el('span', { class: 'spacer' }),
        el('button', { class: 'danger', type: 'button', onclick: () => confirmDeleteOf(name, 'Firehose stream',
          'Deleting a Firehose stream drops the records it has not delivered yet.', async () => {
            await fhApi('DeleteDeliveryStream', { DeliveryStreamName: name });
            flash(`Firehose stream ${name} is being deleted.`);
            location.hash = '#/firehose';
          }) }, 'Delete')),
      problem,
      el('div', { class: 'panel' }, el('h2', {}, 'Firehose stream details'), summary),
      failures, sender, objects,
      el('h2', {}, 'Monitoring'), charts);
    failureList(failures, name);
    let desc = null;
    every(2000, async () => {
      try {
        const d = (await fhApi('DescribeDeliveryStream', { DeliveryStreamName: name })).DeliveryStreamDescription;
        const first = !desc;
        desc = d;
        status.textContent = statusLabel(d.DeliveryStreamStatus);
        status.className = 'status ' + statusLabel(d.DeliveryStreamStatus);
        const s3 = destination(d);
        const item = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
        summary.replaceChildren(
          item('Status', statusLabel(d.DeliveryStreamStatus)),
          item('Source', sourceLabel(d)),
          item('Destination', `Amazon S3 bucket ${bucketOf(d)}`),
          item('S3 bucket prefix', s3.Prefix || '(default: YYYY/MM/dd/HH/)'),
          item('Buffer hints', `${s3.BufferingHints.SizeInMBs} MiB or ${s3.BufferingHints.IntervalInSeconds} seconds`),
          item('Compression', s3.CompressionFormat),
          item('Version', d.VersionId),
          item('Creation time', fmtTime(d.CreateTimestamp)),
          item('ARN', el('span', { class: 'mono' }, d.DeliveryStreamARN)));
        problem.replaceChildren();
        if (first) {
          testSender(sender, name, d);
          objectBrowser(objects, bucketOf(d));
        }
      } catch (e) {
        problem.replaceChildren(errorBox(e));
      }
    });
    monitoring(charts, `firehose=${enc(name)}`, CHARTS);
  }

  function testSender(box, name, d) {
    if (d.DeliveryStreamType === 'KinesisStreamAsSource') {
      box.replaceChildren(el('h2', { id: 'fh-test-title' }, 'Test with a record'),
        el('p', {}, 'This stream reads a Kinesis data stream: put records there (the data stream\'s Producer tab).'));
      return;
    }
    const data = el('textarea', { id: 'fh-test-data' }, '{"ticker_symbol":"SLUICE","price":42}\n');
    const out = el('div', { id: 'fh-test-result', 'aria-live': 'polite' });
    const form = el('form', {},
      el('label', { for: 'fh-test-data' }, 'Record data'), data,
      el('p', {}, el('button', { class: 'primary', type: 'submit' }, 'Send test record')), out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      try {
        const r = await fhApi('PutRecord', { DeliveryStreamName: name, Record: { Data: b64encode(data.value) } });
        out.append(el('p', {}, 'Record sent: ', el('span', { class: 'mono' }, r.RecordId.slice(0, 24) + '…')));
      } catch (e) {
        out.append(errorBox(e));
      }
    });
    box.replaceChildren(el('h2', { id: 'fh-test-title' }, 'Test with a record'),
      el('p', { class: 'hint' }, 'Sends one record with PutRecord; it is delivered when a buffer hint is reached.'), form);
  }

  // The delivery stream's recent delivery errors (error code and message
  // as AWS logs them to CloudWatch Logs), newest first.
  function failureList(box, name) {
    const body = el('tbody');
    const err = el('div');
    box.replaceChildren(el('h2', { id: 'fh-failures-title' }, 'Recent delivery failures'), err,
      el('p', { class: 'hint' }, 'With error logging on (CloudWatchLoggingOptions), the same errors are in the log stream: ',
        el('span', { class: 'mono' }, 'aws logs get-log-events'), ' or ', el('span', { class: 'mono' }, 'sluice firehose logs'), '.'),
      el('table', { id: 'fh-failures', 'aria-label': 'Recent delivery failures' },
        el('thead', {}, el('tr', {}, ['Time', 'Error code', 'Message'].map((h) => el('th', { scope: 'col' }, h)))), body));
    every(3000, async () => {
      try {
        const res = await fetch(`/console/firehose/failures?name=${enc(name)}`, { credentials: 'same-origin' });
        if (!res.ok) throw await ui.readError(res);
        const list = (await res.json()).failures;
        body.replaceChildren(...list.map((f) => el('tr', {},
          el('td', {}, fmtTime(f.time / 1000)), el('td', { class: 'mono' }, f.errorCode), el('td', {}, f.message))));
        if (!list.length) body.append(el('tr', {}, el('td', { colspan: 3 }, 'No delivery failures.')));
        err.replaceChildren();
      } catch (e) { err.replaceChildren(errorBox(e)); }
    });
  }

  function objectBrowser(box, bucket) {
    const body = el('tbody');
    const err = el('div');
    const view = el('pre', { id: 'object-view', class: 'mono', tabindex: '0', 'aria-label': 'Object content' });
    const format = el('select', { id: 'object-format' }, el('option', { value: 'text' }, 'Text'), el('option', { value: 'hex' }, 'Hex'));
    let shown = null;
    const draw = () => { if (shown) view.textContent = showData(shown, format.value); };
    format.addEventListener('change', draw);
    const open = async (key) => {
      try {
        const res = await fetch(`/console/object?bucket=${enc(bucket)}&key=${enc(key)}`, { credentials: 'same-origin' });
        if (!res.ok) throw await ui.readError(res);
        const o = await res.json();
        shown = b64bytes(o.data || '');
        draw();
        if (o.truncated) view.textContent += `\n… (${o.size} bytes in all; the first ${shown.length} are shown)`;
      } catch (e) { err.replaceChildren(errorBox(e)); }
    };
    box.replaceChildren(el('h2', { id: 'fh-objects-title' }, `Delivered objects in ${bucket}`), err,
      el('table', { 'aria-label': 'Delivered objects' },
        el('thead', {}, el('tr', {}, ['Key', 'Size (bytes)', 'Last modified', ''].map((h) => el('th', { scope: 'col' }, h)))), body),
      el('div', { class: 'bar' }, el('label', { class: 'inline', for: 'object-format' }, 'Show as'), format), view);
    every(3000, async () => {
      try {
        const res = await fetch(`/console/objects?bucket=${enc(bucket)}`, { credentials: 'same-origin' });
        if (!res.ok) throw await ui.readError(res);
        const list = (await res.json()).objects;
        body.replaceChildren(...list.map((o) => el('tr', {},
          el('td', { class: 'mono' }, o.key), el('td', {}, o.size), el('td', {}, fmtTime(o.modified)),
          el('td', {}, el('button', { type: 'button', 'aria-label': `View ${o.key}`, onclick: () => open(o.key) }, 'View')))));
        if (!list.length) body.append(el('tr', {}, el('td', { colspan: 4 }, 'Nothing delivered yet.')));
        err.replaceChildren();
      } catch (e) { err.replaceChildren(errorBox(e)); }
    });
  }

  return { list, create, page };
}
