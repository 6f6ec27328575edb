// The source of a Data Analytics application: the data stream or Firehose
// stream it reads, the in-application streams that feed (name prefix and
// parallelism), and the schema that maps records to columns, discovered
// from the source's records with DiscoverInputSchema and editable before
// it is saved (AddApplicationInput, or UpdateApplication's InputUpdates).

import { schemaEditor, samplesView } from './analytics-schema.js';

const KINDS = [['KinesisStreams', 'Kinesis data stream'], ['KinesisFirehose', 'Firehose stream']];

// kinesisStreams lists the account's data streams as { name, arn }.
export async function kinesisStreams(ui) {
  const all = [];
  let out = await ui.api('ListStreams', { Limit: 100 });
  all.push(...(out.StreamSummaries || []));
  while (out.HasMoreStreams && out.NextToken && all.length < 1000) {
    out = await ui.api('ListStreams', { NextToken: out.NextToken, Limit: 100 });
    all.push(...(out.StreamSummaries || []));
  }
  return all.map((s) => ({ name: s.StreamName, arn: s.StreamARN }));
}

// deliveryStreams lists the account's Firehose streams as { name, arn }.
export async function deliveryStreams(ui) {
  const names = [];
  let out = await ui.fhApi('ListDeliveryStreams', { Limit: 100 });
  names.push(...(out.DeliveryStreamNames || []));
  while (out.HasMoreDeliveryStreams && names.length && names.length < 1000) {
    out = await ui.fhApi('ListDeliveryStreams', { Limit: 100, ExclusiveStartDeliveryStreamName: names[names.length - 1] });
    names.push(...(out.DeliveryStreamNames || []));
  }
  const s = ui.session();
  return names.map((name) => ({ name, arn: `arn:aws:firehose:${s.region}:${s.accountId}:deliverystream/${name}` }));
}

// fillStreams loads the streams of a kind into a select, keeping want
// selected (and listed, should it be gone).
export async function fillStreams(ui, select, kind, want) {
  const list = kind === 'KinesisFirehose' ? await deliveryStreams(ui) : await kinesisStreams(ui);
  if (want && !list.some((s) => s.arn === want)) list.unshift({ name: `${want.split('/').pop()} (not found)`, arn: want });
  select.replaceChildren(...list.map((s) => ui.el('option', { value: s.arn, selected: s.arn === want }, s.name)));
  if (!list.length) select.append(ui.el('option', { value: '' }, kind === 'KinesisFirehose' ? 'No Firehose streams' : 'No data streams'));
}

export const resourceName = (arn) => (arn || '').split(/[/:]/).pop();

export function sourcePanel(ui, ctx, box) {
  const { el } = ui;
  const input = (ctx.app.InputDescriptions || [])[0];
  if (input) view(input); else edit(null);

  function view(inp) {
    const res = inp.KinesisStreamsInputDescription || inp.KinesisFirehoseInputDescription;
    const kind = inp.KinesisStreamsInputDescription ? KINDS[0][1] : KINDS[1][1];
    const rf = inp.InputSchema.RecordFormat;
    const mp = rf.MappingParameters || {};
    const fmt = rf.RecordFormatType === 'JSON'
      ? `JSON (row path ${(mp.JSONMappingParameters || {}).RecordRowPath || '$'})`
      : `CSV (rows ${JSON.stringify((mp.CSVMappingParameters || {}).RecordRowDelimiter || '\n')}, columns ${JSON.stringify((mp.CSVMappingParameters || {}).RecordColumnDelimiter || ',')})`;
    const item = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
    const lambda = inp.InputProcessingConfigurationDescription;
    box.replaceChildren(
      el('h2', { id: 'ka-source-title' }, 'Source', el('span', { class: 'spacer' }),
        el('button', { type: 'button', id: 'ka-source-edit', onclick: () => edit(inp) }, 'Edit source')),
      el('dl', { class: 'summary' },
        item('Source', `${kind} ${resourceName(res.ResourceARN)}`),
        item('In-application streams', inp.InAppStreamNames.join(', ')),
        item('Input parallelism', inp.InputParallelism.Count),
        item('Record format', fmt),
        item('Preprocessing with Lambda', lambda ? resourceName(lambda.InputLambdaProcessorDescription.ResourceARN) : 'Disabled'),
        item('Input ID', inp.InputId)),
      el('table', { 'aria-label': 'Source columns' },
        el('thead', {}, el('tr', {}, ['Column', 'SQL type', 'Mapping'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, inp.InputSchema.RecordColumns.map((c) => el('tr', {},
          el('td', {}, c.Name), el('td', {}, c.SqlType), el('td', { class: 'mono' }, c.Mapping || '-'))))));
  }

  function edit(inp) {
    const res = inp && (inp.KinesisStreamsInputDescription || inp.KinesisFirehoseInputDescription);
    const kind = el('select', { id: 'ka-source-kind' }, KINDS.map(([v, l]) => el('option', { value: v }, l)));
    kind.value = inp && inp.KinesisFirehoseInputDescription ? 'KinesisFirehose' : 'KinesisStreams';
    const stream = el('select', { id: 'ka-source-stream' });
    const load = () => fillStreams(ui, stream, kind.value, res && res.ResourceARN).catch((e) => err.replaceChildren(ui.errorBox(e)));
    kind.addEventListener('change', () => { stream.replaceChildren(); load(); });
    const prefix = el('input', { id: 'ka-name-prefix', type: 'text', maxlength: '32', value: inp ? inp.NamePrefix : 'SOURCE_SQL_STREAM' });
    const parallelism = el('input', { id: 'ka-parallelism', type: 'number', min: '1', max: '64', value: inp ? inp.InputParallelism.Count : 1 });
    const names = el('p', { class: 'hint', 'aria-live': 'polite' });
    const showNames = () => {
      const n = Math.min(Math.max(+parallelism.value || 1, 1), 64);
      names.textContent = `The code reads ${prefix.value}_001${n > 1 ? ` … ${prefix.value}_${String(n).padStart(3, '0')}` : ''}.`;
    };
    prefix.addEventListener('input', showNames);
    parallelism.addEventListener('input', showNames);
    showNames();
    const position = el('select', { id: 'ka-discover-position' },
      el('option', { value: 'TRIM_HORIZON' }, 'Trim horizon: the oldest records the source holds'),
      el('option', { value: 'NOW' }, 'Now: records put from now on (waits up to 10 seconds)'));
    const discover = el('button', { type: 'button', id: 'ka-discover' }, 'Discover schema');
    const discovering = el('p', { class: 'hint', id: 'ka-discover-status', 'aria-live': 'polite' });
    const schema = schemaEditor(ui, 'ka-input', 'Source schema');
    if (inp) schema.set(inp.InputSchema);
    const samples = el('div');
    const err = el('div', { id: 'ka-source-error', 'aria-live': 'polite' });
    discover.addEventListener('click', async () => {
      err.replaceChildren();
      samples.replaceChildren();
      if (!stream.value) { err.append(ui.errorBox('Choose a source stream first.')); return; }
      discover.disabled = true;
      discovering.textContent = 'Reading up to 100 records and inferring their schema…';
      const req = { ResourceARN: stream.value, RoleARN: ctx.role, InputStartingPositionConfiguration: { InputStartingPosition: position.value } };
      const lambda = inp && inp.InputProcessingConfigurationDescription;
      if (lambda) req.InputProcessingConfiguration = { InputLambdaProcessor: { ResourceARN: lambda.InputLambdaProcessorDescription.ResourceARN, RoleARN: ctx.role } };
      try {
        const out = await ui.kaApi('DiscoverInputSchema', req);
        schema.set(out.InputSchema);
        samples.replaceChildren(samplesView(ui, 'ka-input-samples', out));
        discovering.textContent = `Schema discovered from ${(out.RawInputRecords || []).length} record(s): check the columns and their types, then save.`;
      } catch (e) {
        discovering.textContent = '';
        err.append(ui.errorBox(e));
      } finally {
        discover.disabled = false;
      }
    });
    const save = el('button', { type: 'submit', class: 'primary', id: 'ka-source-save' }, 'Save source');
    const form = el('form', { novalidate: true },
      el('label', { for: 'ka-source-kind' }, 'Source'), kind,
      el('label', { for: 'ka-source-stream' }, 'Source stream'), stream,
      el('label', { for: 'ka-name-prefix' }, 'In-application stream name prefix'), prefix,
      el('label', { for: 'ka-parallelism' }, 'Input parallelism'), parallelism, names,
      el('fieldset', {}, el('legend', {}, 'Schema discovery'),
        el('label', { for: 'ka-discover-position' }, 'Starting position'), position,
        el('p', { class: 'bar' }, discover), discovering),
      schema.root, samples, err,
      el('div', { class: 'bar' }, inp ? el('button', { type: 'button', onclick: () => view(inp) }, 'Cancel') : null, save));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.replaceChildren();
      const problem = !stream.value ? 'Choose a source stream.' : schema.problem();
      if (problem) { err.append(ui.errorBox(problem)); return; }
      const count = +parallelism.value || 1;
      save.disabled = true;
      try {
        if (!inp) {
          await ui.kaApi('AddApplicationInput', {
            ApplicationName: ctx.name, CurrentApplicationVersionId: ctx.app.ApplicationVersionId,
            Input: {
              NamePrefix: prefix.value, [kind.value + 'Input']: { ResourceARN: stream.value, RoleARN: ctx.role },
              InputParallelism: { Count: count }, InputSchema: schema.get(),
            },
          });
        } else {
          const s = schema.get();
          const u = {
            InputId: inp.InputId, NamePrefixUpdate: prefix.value, InputParallelismUpdate: { CountUpdate: count },
            InputSchemaUpdate: { RecordFormatUpdate: s.RecordFormat, RecordEncodingUpdate: s.RecordEncoding, RecordColumnUpdates: s.RecordColumns },
          };
          const was = inp.KinesisStreamsInputDescription ? 'KinesisStreams' : 'KinesisFirehose';
          if (kind.value !== was || stream.value !== res.ResourceARN) {
            u[kind.value + 'InputUpdate'] = { ResourceARNUpdate: stream.value, RoleARNUpdate: ctx.role };
          }
          await ui.kaApi('UpdateApplication', {
            ApplicationName: ctx.name, CurrentApplicationVersionId: ctx.app.ApplicationVersionId, ApplicationUpdate: { InputUpdates: [u] },
          });
        }
        ui.flash('Source saved.');
        await ctx.reload();
      } catch (e) {
        err.append(ui.errorBox(e));
        if (e.type === 'CodeValidationException') {
          err.append(el('p', {}, 'The application\'s code does not fit this schema: ',
            el('a', { href: `#/analytics/applications/${ui.enc(ctx.name)}/sql` }, 'open the SQL editor'), ' or change the columns.'));
        }
      } finally {
        save.disabled = false;
      }
    });
    box.replaceChildren(el('h2', { id: 'ka-source-title' }, inp ? 'Edit source' : 'Connect streaming data'),
      inp ? null : el('p', { class: 'hint' }, 'The application reads one data stream or Firehose stream; each record becomes a row of its in-application source stream.'),
      form);
    load();
  }
}
