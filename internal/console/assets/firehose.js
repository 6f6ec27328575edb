// Amazon Data Firehose pages of the Sluice console: the list of Firehose
// streams, "Create Firehose stream" (firehose-create.js), and a stream's
// page with its configuration (every destination kind's description, as
// DescribeDeliveryStream returns it), its recent delivery failures,
// charts, a test-record sender and, when the server delivers to its local
// directory, a browser of the objects in the destination's (or backup)
// bucket. app.js passes in its helpers (ui), so the files share one way of
// building pages.

import { destinationOf, targetLabel, bucketOf, hintsOf, describeTree } from './firehose-kinds.js';
import { createPage } from './firehose-create.js';

// charts are the delivery stream's charts; "the destination" is replaced
// by the destination's name (the figures are the same for every kind).
const CHARTS = [
  ['fh-incoming-records', 'Incoming records (Count)', ['IncomingRecords'], 'sum'],
  ['fh-incoming-bytes', 'Incoming bytes', ['IncomingBytes'], 'sum'],
  ['fh-delivered-records', 'Delivery to the destination - records (Count)', ['DeliveryToS3.Records'], 'sum'],
  ['fh-delivered-bytes', 'Delivery to the destination - bytes', ['DeliveryToS3.Bytes'], 'sum'],
  ['fh-freshness', 'Delivery to the destination data freshness - maximum (seconds)', ['DeliveryToS3.DataFreshness'], 'max'],
  ['fh-failures', 'Delivery to the destination failed attempts (Count)', ['DeliveryToS3.Failures'], 'sum'],
];

export function firehosePages(ui) {
  const { el, fhApi, flash, errorBox, every, fmtTime, statusLabel, enc, b64encode, b64bytes, showData, monitoring, confirmDeleteOf } = ui;

  const sourceLabel = (d) => d.DeliveryStreamType === 'KinesisStreamAsSource'
    ? `Amazon Kinesis Data Streams (${d.Source.KinesisStreamSourceDescription.KinesisStreamARN.split('/').pop()})`
    : 'Direct PUT';
  // listLabel is the Destination column of the list.
  const listLabel = (dest) => (dest.kind.id === 'S3' ? `Amazon S3 (${bucketOf(dest)})` : dest.kind.label);

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
          el('td', {}, listLabel(destinationOf(d))),
          el('td', {}, fmtTime(d.CreateTimestamp)))));
        if (!rows.length) body.append(el('tr', {}, el('td', { colspan: 5 }, 'No Firehose streams yet.')));
        info.replaceChildren();
      } catch (e) {
        info.replaceChildren(errorBox(e));
      }
    });
  }

  function page(main, name) {
    const status = el('span', { id: 'firehose-status', class: 'status', role: 'status' }, '…');
    const summary = el('dl', { class: 'summary' });
    const problem = el('div', { 'aria-live': 'polite' });
    const charts = el('section', { 'aria-label': 'Monitoring' });
    const sender = el('section', { class: 'panel', 'aria-labelledby': 'fh-test-title' });
    const objects = el('section', { class: 'panel', 'aria-labelledby': 'fh-objects-title' });
    const failures = el('section', { class: 'panel', 'aria-labelledby': 'fh-failures-title' });
    const settings = el('div', { id: 'fh-destination-settings' });
    const settingsTitle = el('h2', { id: 'fh-settings-title' }, 'Destination settings');
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
      el('section', { class: 'panel', 'aria-labelledby': 'fh-settings-title' }, settingsTitle,
        el('p', { class: 'hint' }, 'The destination\'s configuration as DescribeDeliveryStream returns it (credentials are never returned).'), settings),
      failures, sender, objects,
      el('h2', {}, 'Monitoring'), charts);
    failureList(failures, name);
    let desc = null, shown = '';
    every(2000, async () => {
      try {
        const d = (await fhApi('DescribeDeliveryStream', { DeliveryStreamName: name })).DeliveryStreamDescription;
        const first = !desc;
        desc = d;
        status.textContent = statusLabel(d.DeliveryStreamStatus);
        status.className = 'status ' + statusLabel(d.DeliveryStreamStatus);
        const dest = destinationOf(d);
        const { kind, desc: dd } = dest;
        const hints = hintsOf(dest) || {};
        const item = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
        summary.replaceChildren(
          item('Status', statusLabel(d.DeliveryStreamStatus)),
          item('Source', sourceLabel(d)),
          item('Destination', targetLabel(dest)),
          kind.id === 'S3' ? item('S3 bucket prefix', dd.Prefix || '(default: YYYY/MM/dd/HH/)') : item('S3 backup mode', dd.S3BackupMode),
          item('Buffer hints', `${hints.SizeInMBs} MiB or ${hints.IntervalInSeconds} seconds`),
          kind.id === 'S3' ? item('Compression', dd.CompressionFormat) : item('Retry duration', `${(dd.RetryOptions || {}).DurationInSeconds} seconds`),
          item('Version', d.VersionId),
          item('Creation time', fmtTime(d.CreateTimestamp)),
          item('ARN', el('span', { class: 'mono' }, d.DeliveryStreamARN)));
        // The settings are drawn again only when they change, so reading
        // (or selecting) them is not disturbed by the refresh.
        const json = JSON.stringify(dd);
        if (json !== shown) {
          shown = json;
          settingsTitle.textContent = `Destination settings: ${kind.label}`;
          settings.replaceChildren(describeTree(el, dd, kind.id === 'Redshift' ? { S3DestinationDescription: 'Intermediate S3 bucket' } : {}));
        }
        problem.replaceChildren();
        if (first) {
          testSender(sender, name, d);
          objectBrowser(objects, dest);
          const to = kind.id === 'S3' ? 'Amazon S3' : kind.label;
          monitoring(charts, `firehose=${enc(name)}`, CHARTS.map(([id, title, ...rest]) => [id, title.replace('the destination', to), ...rest]));
        }
      } catch (e) {
        problem.replaceChildren(errorBox(e));
      }
    });
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

  function objectBrowser(box, dest) {
    const bucket = bucketOf(dest);
    const title = dest.kind.id === 'S3' ? `Delivered objects in ${bucket}`
      : dest.kind.id === 'Redshift' ? `Objects in the intermediate S3 bucket ${bucket}` : `Objects in the S3 backup bucket ${bucket}`;
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
    box.replaceChildren(el('h2', { id: 'fh-objects-title' }, title), err,
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

  return { list, create: createPage(ui), page };
}
