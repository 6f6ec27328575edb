// Destinations and reference data of a Data Analytics application: up to
// three outputs, each sending an in-application stream to a data stream,
// a Firehose stream or a Lambda function as JSON or CSV
// (AddApplicationOutput, DeleteApplicationOutput); and the S3 object
// loaded into an in-application table, with its schema discovered from the
// object (AddApplicationReferenceDataSource,
// DeleteApplicationReferenceDataSource).

import { schemaEditor, samplesView } from './analytics-schema.js';
import { fillStreams, resourceName } from './analytics-source.js';

const MAX_OUTPUTS = 3;
const OUTPUT_KINDS = [['KinesisStreams', 'Kinesis data stream'], ['KinesisFirehose', 'Firehose stream'], ['Lambda', 'AWS Lambda function']];
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

// change posts a configuration change with the current version and draws
// the page again; errors go to err.
async function change(ui, ctx, err, op, body, done) {
  err.replaceChildren();
  try {
    await ui.kaApi(op, { ApplicationName: ctx.name, CurrentApplicationVersionId: ctx.app.ApplicationVersionId, ...body });
    ui.flash(done);
    await ctx.reload();
  } catch (e) {
    err.replaceChildren(ui.errorBox(e));
  }
}

export function destinationsPanel(ui, ctx, box) {
  const { el } = ui;
  const outputs = ctx.app.OutputDescriptions || [];
  const err = el('div', { id: 'ka-destinations-error', 'aria-live': 'polite' });
  const label = (o) => {
    if (o.KinesisStreamsOutputDescription) return `Kinesis data stream ${resourceName(o.KinesisStreamsOutputDescription.ResourceARN)}`;
    if (o.KinesisFirehoseOutputDescription) return `Firehose stream ${resourceName(o.KinesisFirehoseOutputDescription.ResourceARN)}`;
    return `Lambda function ${resourceName(o.LambdaOutputDescription.ResourceARN)}`;
  };
  const table = el('table', { 'aria-label': 'Destinations' },
    el('thead', {}, el('tr', {}, ['In-application stream', 'Destination', 'Format', 'Output ID', ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, outputs.length ? outputs.map((o) => el('tr', {},
      el('td', {}, o.Name), el('td', {}, label(o)), el('td', {}, o.DestinationSchema.RecordFormatType), el('td', {}, o.OutputId),
      el('td', {}, el('button', { type: 'button', 'aria-label': `Remove destination ${o.Name} to ${label(o)}`,
        onclick: () => change(ui, ctx, err, 'DeleteApplicationOutput', { OutputId: o.OutputId }, `Destination ${o.Name} removed.`) }, 'Remove'))))
      : el('tr', {}, el('td', { colspan: 5 }, 'No destinations: the application\'s rows stay in its in-application streams.'))));
  box.replaceChildren(el('h2', { id: 'ka-destinations-title' }, 'Destinations'), table, err,
    outputs.length < MAX_OUTPUTS ? addOutput() : el('p', { class: 'hint' }, `An application has at most ${MAX_OUTPUTS} destinations.`));

  function addOutput() {
    const name = el('input', { id: 'ka-output-name', type: 'text', maxlength: '32', value: 'DESTINATION_SQL_STREAM' });
    const kind = el('select', { id: 'ka-output-kind' }, OUTPUT_KINDS.map(([v, l]) => el('option', { value: v }, l)));
    const stream = el('select', { id: 'ka-output-stream' });
    const lambda = el('input', { id: 'ka-output-lambda', type: 'text', class: 'mono', placeholder: 'arn:aws:lambda:us-east-1:123456789012:function:name' });
    const streamRow = el('div', {}, el('label', { for: 'ka-output-stream' }, 'Destination stream'), stream);
    const lambdaRow = el('div', { hidden: true }, el('label', { for: 'ka-output-lambda' }, 'Lambda function ARN'), lambda,
      el('p', { class: 'hint' }, 'Called through the Lambda-contract endpoint (--lambda-endpoint), as Firehose calls its processors.'));
    const format = el('select', { id: 'ka-output-format' }, el('option', { value: 'JSON' }, 'JSON'), el('option', { value: 'CSV' }, 'CSV'));
    const load = () => {
      const l = kind.value === 'Lambda';
      streamRow.hidden = l;
      lambdaRow.hidden = !l;
      if (!l) fillStreams(ui, stream, kind.value).catch((e) => err.replaceChildren(ui.errorBox(e)));
    };
    kind.addEventListener('change', load);
    const form = el('form', { class: 'subform', novalidate: true, 'aria-label': 'Add destination' },
      el('h3', {}, 'Add destination'),
      el('label', { for: 'ka-output-name' }, 'In-application stream name'), name,
      el('p', { class: 'hint' }, 'A stream the code creates (CREATE STREAM), such as DESTINATION_SQL_STREAM, or error_stream.'),
      el('label', { for: 'ka-output-kind' }, 'Destination'), kind, streamRow, lambdaRow,
      el('label', { for: 'ka-output-format' }, 'Output format'), format,
      el('p', {}, el('button', { type: 'submit', id: 'ka-output-add' }, 'Add destination')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const arn = kind.value === 'Lambda' ? lambda.value.trim() : stream.value;
      if (!arn) { err.replaceChildren(ui.errorBox(kind.value === 'Lambda' ? 'Enter the Lambda function\'s ARN.' : 'Choose a destination stream.')); return; }
      change(ui, ctx, err, 'AddApplicationOutput', {
        Output: { Name: name.value.trim(), [kind.value + 'Output']: { ResourceARN: arn, RoleARN: ctx.role }, DestinationSchema: { RecordFormatType: format.value } },
      }, `Destination ${name.value} added.`);
    });
    load();
    return form;
  }
}

export function referencePanel(ui, ctx, box) {
  const { el } = ui;
  const refs = ctx.app.ReferenceDataSourceDescriptions || [];
  const err = el('div', { id: 'ka-reference-error', 'aria-live': 'polite' });
  const rows = refs.map((r) => {
    const s3 = r.S3ReferenceDataSourceDescription;
    const cols = r.ReferenceSchema.RecordColumns.map((c) => `${c.Name} ${c.SqlType}`).join(', ');
    return el('tr', {},
      el('td', {}, r.TableName), el('td', { class: 'mono' }, `s3://${s3.BucketARN.split(':').pop()}/${s3.FileKey}`),
      el('td', {}, `${r.ReferenceSchema.RecordFormat.RecordFormatType}: ${cols}`),
      el('td', {}, el('button', { type: 'button', 'aria-label': `Remove reference table ${r.TableName}`,
        onclick: () => change(ui, ctx, err, 'DeleteApplicationReferenceDataSource', { ReferenceId: r.ReferenceId }, `Reference table ${r.TableName} removed.`) }, 'Remove')));
  });
  box.replaceChildren(el('h2', { id: 'ka-reference-title' }, 'Reference data'),
    el('table', { 'aria-label': 'Reference data' },
      el('thead', {}, el('tr', {}, ['In-application table', 'S3 object', 'Schema', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 4 }, 'No reference data.')))),
    err, refs.length ? el('p', { class: 'hint' }, 'An application has at most one reference data source.') : addReference());

  function addReference() {
    const bucket = el('input', { id: 'ka-ref-bucket', type: 'text', autocomplete: 'off' });
    const key = el('input', { id: 'ka-ref-key', type: 'text', autocomplete: 'off', list: 'ka-ref-keys' });
    const keys = el('datalist', { id: 'ka-ref-keys' });
    const table = el('input', { id: 'ka-ref-table', type: 'text', maxlength: '32' });
    const schema = schemaEditor(ui, 'ka-ref', 'Reference table schema');
    schema.set({ RecordFormat: { RecordFormatType: 'CSV', MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: '\n', RecordColumnDelimiter: ',' } } }, RecordColumns: [] });
    const samples = el('div');
    // The objects of the bucket in the local directory, offered as keys.
    bucket.addEventListener('change', async () => {
      keys.replaceChildren();
      if (!BUCKET_RE.test(bucket.value)) return;
      try {
        const res = await fetch(`/console/objects?bucket=${ui.enc(bucket.value)}`, { credentials: 'same-origin' });
        if (res.ok) keys.replaceChildren(...(await res.json()).objects.map((o) => el('option', { value: o.key })));
      } catch { /* no listing: type the key */ }
    });
    const discover = el('button', { type: 'button', id: 'ka-ref-discover' }, 'Discover schema');
    discover.addEventListener('click', async () => {
      err.replaceChildren();
      samples.replaceChildren();
      try {
        const out = await ui.kaApi('DiscoverInputSchema', { S3Configuration: { RoleARN: ctx.role, BucketARN: 'arn:aws:s3:::' + bucket.value, FileKey: key.value } });
        schema.set(out.InputSchema);
        samples.replaceChildren(samplesView(ui, 'ka-ref-samples', out));
      } catch (e) { err.replaceChildren(ui.errorBox(e)); }
    });
    const form = el('form', { class: 'subform', novalidate: true, 'aria-label': 'Add reference data' },
      el('h3', {}, 'Add reference data'),
      el('label', { for: 'ka-ref-bucket' }, 'S3 bucket'), bucket,
      el('p', { class: 'hint' }, 'Without --s3-endpoint, objects are read from <data-dir>/s3/<bucket>/<key>.'),
      el('label', { for: 'ka-ref-key' }, 'Object key'), key, keys,
      el('label', { for: 'ka-ref-table' }, 'In-application reference table name'), table,
      el('p', { class: 'bar' }, discover), schema.root, samples,
      el('p', {}, el('button', { type: 'submit', id: 'ka-ref-add' }, 'Add reference data')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const problem = !BUCKET_RE.test(bucket.value) ? 'Enter a valid S3 bucket name.' : !key.value ? 'Enter the object key.'
        : !table.value.trim() ? 'Enter the in-application table name.' : schema.problem();
      if (problem) { err.replaceChildren(ui.errorBox(problem)); return; }
      change(ui, ctx, err, 'AddApplicationReferenceDataSource', {
        ReferenceDataSource: {
          TableName: table.value.trim(),
          S3ReferenceDataSource: { BucketARN: 'arn:aws:s3:::' + bucket.value, FileKey: key.value, ReferenceRoleARN: ctx.role },
          ReferenceSchema: schema.get(),
        },
      }, `Reference table ${table.value} added.`);
    });
    return form;
  }
}
