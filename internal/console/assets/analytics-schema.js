// The schema editor of the Data Analytics pages: how records map to the
// columns of an in-application stream or reference table (a SourceSchema),
// as DiscoverInputSchema infers it or as the application has it, editable
// before it is saved; and the table of sample rows discovery parsed.

// SQL types the editor suggests (any type the dialect takes may be typed).
const TYPES = ['VARCHAR(16)', 'CHAR(1)', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BOOLEAN', 'REAL', 'DOUBLE',
  'DECIMAL(10,2)', 'TIMESTAMP', 'DATE', 'TIME', 'VARBINARY(64)'];

// esc shows a delimiter with its control characters visible ("\n");
// unesc reads it back.
const esc = (s) => (s || '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
const unesc = (s) => s.replace(/\\(.)/g, (_, c) => ({ n: '\n', r: '\r', t: '\t' }[c] ?? c));

// schemaEditor returns { root, set(schema), get(), problem() }: prefix
// makes its element IDs unique on the page, title names the fieldset.
export function schemaEditor(ui, prefix, title) {
  const { el } = ui;
  const format = el('select', { id: prefix + '-format' }, el('option', { value: 'JSON' }, 'JSON'), el('option', { value: 'CSV' }, 'CSV'));
  const rowPath = el('input', { id: prefix + '-row-path', type: 'text', value: '$' });
  const rowDelim = el('input', { id: prefix + '-row-delimiter', type: 'text', value: '\\n' });
  const colDelim = el('input', { id: prefix + '-column-delimiter', type: 'text', value: ',' });
  const jsonRow = el('div', {}, el('label', { for: prefix + '-row-path' }, 'Record row path (JSONPath)'), rowPath);
  const csvRow = el('div', { hidden: true },
    el('label', { for: prefix + '-row-delimiter' }, 'Row delimiter'), rowDelim,
    el('label', { for: prefix + '-column-delimiter' }, 'Column delimiter'), colDelim,
    el('p', { class: 'hint' }, 'Control characters as \\n, \\r and \\t.'));
  const types = el('datalist', { id: prefix + '-types' }, TYPES.map((t) => el('option', { value: t })));
  const body = el('tbody');
  const add = el('button', { type: 'button', id: prefix + '-add-column' }, 'Add column');
  const root = el('fieldset', { class: 'schema', id: prefix + '-schema' }, el('legend', {}, title),
    el('div', { class: 'bar' }, el('label', { class: 'inline', for: prefix + '-format' }, 'Record format'), format),
    jsonRow, csvRow, types,
    el('table', { 'aria-label': 'Columns' },
      el('thead', {}, el('tr', {}, ['#', 'Column name', 'SQL type', 'Mapping (JSONPath)', ''].map((h) => el('th', { scope: 'col' }, h)))),
      body),
    el('p', {}, add));

  const renumber = () => {
    [...body.children].forEach((tr, i) => {
      const n = i + 1;
      tr.firstChild.textContent = n;
      const [name, type, mapping, remove] = tr.querySelectorAll('input, button');
      name.setAttribute('aria-label', `Column ${n} name`);
      type.setAttribute('aria-label', `Column ${n} SQL type`);
      mapping.setAttribute('aria-label', `Column ${n} mapping`);
      remove.setAttribute('aria-label', `Remove column ${n}`);
    });
  };
  const addColumn = (c = {}) => {
    const tr = el('tr', { class: 'column' },
      el('td', {}),
      el('td', {}, el('input', { type: 'text', class: 'col-name', value: c.Name || '' })),
      el('td', {}, el('input', { type: 'text', class: 'col-type', list: prefix + '-types', value: c.SqlType || '' })),
      el('td', {}, el('input', { type: 'text', class: 'col-mapping mono', value: c.Mapping || '', disabled: format.value === 'CSV' })),
      el('td', {}, el('button', { type: 'button', onclick: () => { tr.remove(); renumber(); } }, 'Remove')));
    body.append(tr);
    renumber();
    return tr;
  };
  add.addEventListener('click', () => { addColumn().querySelector('input').focus(); });
  const showFormat = () => {
    jsonRow.hidden = format.value !== 'JSON';
    csvRow.hidden = format.value !== 'CSV';
    body.querySelectorAll('.col-mapping').forEach((m) => { m.disabled = format.value === 'CSV'; });
  };
  format.addEventListener('change', showFormat);

  // set fills the editor with a SourceSchema (DescribeApplication's or
  // DiscoverInputSchema's InputSchema).
  const set = (s) => {
    const rf = (s && s.RecordFormat) || { RecordFormatType: 'JSON' };
    format.value = rf.RecordFormatType || 'JSON';
    const mp = rf.MappingParameters || {};
    rowPath.value = (mp.JSONMappingParameters && mp.JSONMappingParameters.RecordRowPath) || '$';
    rowDelim.value = esc((mp.CSVMappingParameters && mp.CSVMappingParameters.RecordRowDelimiter) || '\n');
    colDelim.value = esc((mp.CSVMappingParameters && mp.CSVMappingParameters.RecordColumnDelimiter) || ',');
    body.replaceChildren();
    for (const c of (s && s.RecordColumns) || []) addColumn(c);
    showFormat();
  };
  // get returns the SourceSchema as the API takes it.
  const get = () => {
    const csv = format.value === 'CSV';
    const RecordFormat = { RecordFormatType: format.value, MappingParameters: csv
      ? { CSVMappingParameters: { RecordRowDelimiter: unesc(rowDelim.value), RecordColumnDelimiter: unesc(colDelim.value) } }
      : { JSONMappingParameters: { RecordRowPath: rowPath.value.trim() || '$' } } };
    const RecordColumns = [...body.children].map((tr) => {
      const c = { Name: tr.querySelector('.col-name').value.trim(), SqlType: tr.querySelector('.col-type').value.trim() };
      const m = tr.querySelector('.col-mapping').value.trim();
      if (!csv && m) c.Mapping = m;
      return c;
    });
    return { RecordFormat, RecordEncoding: 'UTF-8', RecordColumns };
  };
  // problem says what keeps the schema from being saved, or ''.
  const problem = () => {
    const cols = get().RecordColumns;
    if (!cols.length) return 'The schema needs at least one column: discover it, or add columns.';
    const i = cols.findIndex((c) => !c.Name || !c.SqlType);
    return i < 0 ? '' : `Column ${i + 1} needs a name and an SQL type.`;
  };
  set(null);
  return { root, set, get, problem };
}

// samplesView shows discovery's answer: the rows it parsed (one column per
// schema column, NULL for a missing value) and the raw records.
export function samplesView(ui, id, discovered) {
  const { el } = ui;
  const cols = (discovered.InputSchema && discovered.InputSchema.RecordColumns) || [];
  const rows = discovered.ParsedInputRecords || [];
  const raw = discovered.RawInputRecords || [];
  return el('div', { id, class: 'samples' },
    el('h3', {}, `Sample rows (${rows.length})`),
    el('p', { class: 'hint' }, 'The records discovery read, parsed with the inferred schema (ParsedInputRecords).'),
    el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Sample rows' },
      el('thead', {}, el('tr', {}, cols.map((c) => el('th', { scope: 'col' }, c.Name)))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((v) => v === null ? el('td', { class: 'null' }, 'NULL') : el('td', {}, v))))))),
    el('details', {}, el('summary', {}, `Raw records (${raw.length})`),
      el('pre', { class: 'mono raw' }, raw.join('\n'))));
}
