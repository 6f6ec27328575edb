// "Create Firehose stream" for the Sluice console, as AWS's console lays it
// out: source and a destination chooser; the stream name; record
// transformation (CloudWatch Logs decompression and message extraction,
// Lambda) and, for Amazon S3, record format conversion to Parquet; each
// destination's own settings with its buffering hints and retry duration;
// for Amazon S3 dynamic partitioning (multi-record deaggregation, the
// new-line delimiter, inline jq parsing of partition keys); and S3 backup.
// The form builds the CreateDeliveryStream request an SDK would send and
// shows the API's own error when the request is refused.

import { DESTINATIONS, kindOf } from './firehose-kinds.js';

const NAME_RE = /^[a-zA-Z0-9_.-]{1,64}$/;
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const JQ_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

// ORC_UNAVAILABLE says why the form offers no ORC (package convert's
// ErrORCUnsupported, which the API answers for an OrcSerDe).
export const ORC_UNAVAILABLE = 'Apache ORC is not available in Sluice: no maintained Go ORC writer exists, so the API refuses OrcSerDe. Choose Apache Parquet.';

// What Sluice does with each destination, under the chooser.
const ABOUT = {
  S3: 'Objects go to the server\'s S3 endpoint (--s3-endpoint) or, without one, to <data-dir>/s3/<bucket>/.',
  HttpEndpoint: 'Firehose POSTs batches of records to your HTTPS endpoint, as AWS\'s HTTP endpoint delivery request and response specifications describe.',
  OpenSearch: 'Records are indexed in your OpenSearch cluster with the _bulk API.',
  OpenSearchServerless: 'Records are indexed in your OpenSearch Serverless collection with the _bulk API.',
  Elasticsearch: 'Records are indexed in your Elasticsearch cluster with the _bulk API.',
  Splunk: 'Events go to your Splunk HTTP Event Collector (HEC), which must acknowledge them.',
  Redshift: 'Redshift speaks PostgreSQL\'s protocol: each batch is staged in the intermediate S3 bucket, then loaded with COPY into the PostgreSQL server at the JDBC URL\'s host and port.',
  Snowflake: 'Sluice has no Snowflake connection: the batches are staged as files in the S3 backup bucket, and the destination is described as given.',
  Iceberg: 'Records go to the destination table in the Glue catalog; the README says what Sluice writes for Apache Iceberg Tables.',
};

export function createPage(ui) {
  const { el, fhApi, api, flash, errorBox, enc, b64encode } = ui;

  const hint = (id, text) => el('p', { class: 'hint', id: id + '-hint' }, text);
  const field = (id, text, input, help) => {
    if (help) input.setAttribute('aria-describedby', id + '-hint');
    return el('div', {}, el('label', { for: id }, text), input, help ? hint(id, help) : null);
  };
  const text = (id, attrs = {}) => el('input', { id, type: 'text', autocomplete: 'off', ...attrs });
  const num = (id, min, max, value) => el('input', { id, type: 'number', min: String(min), max: String(max), value: String(value) });
  const select = (id, options) => el('select', { id }, options.map(([v, t, disabled]) => el('option', { value: v, disabled }, t)));
  const check = (id, label, checked) => {
    const box = el('input', { id, type: 'checkbox', checked });
    return { box, label: el('label', { class: 'inline', for: id }, box, label) };
  };
  const group = (...children) => el('div', {}, ...children);

  // pairs is an editable list of two-text rows (HTTP endpoint parameters,
  // dynamic partitioning keys); each input is labelled by its row number.
  function pairs(prefix, keyLabel, valueLabel, addLabel) {
    const rows = [];
    const body = el('tbody');
    const draw = () => body.replaceChildren(...rows.map((r, i) => {
      r.key.setAttribute('aria-label', `${keyLabel} ${i + 1}`);
      r.value.setAttribute('aria-label', `${valueLabel} ${i + 1}`);
      r.remove.setAttribute('aria-label', `Remove ${keyLabel.toLowerCase()} ${i + 1}`);
      return el('tr', {}, el('td', {}, r.key), el('td', {}, r.value), el('td', {}, r.remove));
    }));
    const add = (k = '', v = '') => {
      const r = { key: el('input', { type: 'text', autocomplete: 'off', value: k }), value: el('input', { type: 'text', autocomplete: 'off', value: v }) };
      r.remove = el('button', { type: 'button', onclick: () => { rows.splice(rows.indexOf(r), 1); draw(); onchange(); } }, 'Remove');
      r.key.addEventListener('input', () => onchange());
      r.value.addEventListener('input', () => onchange());
      rows.push(r);
      draw();
      onchange();
      return r;
    };
    let onchange = () => {};
    const box = el('div', { id: prefix },
      el('table', { class: 'pairs' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, keyLabel), el('th', { scope: 'col' }, valueLabel), el('th', {}))), body),
      el('button', { type: 'button', onclick: () => add().key.focus() }, addLabel));
    return {
      box, add,
      values: () => rows.map((r) => [r.key.value.trim(), r.value.value]).filter(([k]) => k),
      onChange: (fn) => { onchange = fn; },
    };
  }

  return function create(main) {
    const session = ui.session();
    // Sluice does not use IAM roles; the API requires them, so the console
    // names one in the signed-in account.
    const role = `arn:aws:iam::${session.accountId}:role/firehose-delivery`;

    // ---- source and destination ----
    const source = select('fh-source', [['DirectPut', 'Direct PUT'], ['KinesisStreamAsSource', 'Amazon Kinesis Data Streams']]);
    const stream = el('select', { id: 'fh-source-stream' });
    const streamRow = group(field('fh-source-stream', 'Kinesis data stream', stream));
    streamRow.hidden = true;
    source.addEventListener('change', async () => {
      streamRow.hidden = source.value !== 'KinesisStreamAsSource';
      if (!streamRow.hidden && !stream.children.length) {
        const out = await api('ListStreams', { Limit: 100 });
        stream.replaceChildren(...(out.StreamSummaries || []).map((s) => el('option', { value: s.StreamARN }, s.StreamName)));
      }
    });
    const dest = select('fh-destination', DESTINATIONS.map((k) => [k.id, k.label]));
    const about = hint('fh-destination', '');
    dest.setAttribute('aria-describedby', 'fh-destination-hint');

    // ---- name ----
    const name = text('fh-name', { maxlength: '64', required: true });
    const nameMsg = el('p', { class: 'invalid', 'aria-live': 'polite' });
    name.addEventListener('input', () => {
      nameMsg.textContent = NAME_RE.test(name.value) ? '' : '1 to 64 characters: letters, digits, hyphens, underscores and periods.';
    });

    // ---- transform records ----
    const decompress = check('fh-decompress', 'Turn on decompression (GZIP)');
    const extract = check('fh-cwl-extract', 'Turn on message extraction');
    const lambda = check('fh-lambda', 'Turn on data transformation');
    const lambdaArn = text('fh-lambda-arn', { class: 'wide', placeholder: `arn:aws:lambda:${session.region}:${session.accountId}:function:my-function` });
    const lambdaRow = group(field('fh-lambda-arn', 'AWS Lambda function ARN', lambdaArn, 'Runs through the server\'s --lambda-endpoint; without one the API refuses Lambda transformation.'));
    const convert = check('fh-convert', 'Turn on record format conversion');
    const format = select('fh-convert-format', [['Parquet', 'Apache Parquet'], ['ORC', 'Apache ORC (not available)', true]]);
    const deserializer = select('fh-deserializer', [['OpenX', 'OpenX JSON SerDe'], ['Hive', 'Apache Hive JSON SerDe']]);
    const caseInsensitive = check('fh-openx-case', 'Case-insensitive JSON keys', true);
    const timestamps = text('fh-hive-timestamps', { class: 'wide', placeholder: "yyyy-MM-dd'T'HH:mm:ss, millis" });
    const hiveRow = group(field('fh-hive-timestamps', 'Timestamp formats - optional', timestamps, 'Comma-separated Joda-Time patterns, or millis; empty: Hive\'s default formats.'));
    const glueDb = text('fh-glue-db');
    const glueTable = text('fh-glue-table');
    const parquetCompression = select('fh-parquet-compression', [['SNAPPY', 'Snappy'], ['GZIP', 'GZIP'], ['UNCOMPRESSED', 'Uncompressed']]);
    const convertBox = group(
      field('fh-convert-format', 'Output format', format),
      el('p', { class: 'hint', id: 'fh-orc-reason' }, ORC_UNAVAILABLE),
      field('fh-glue-db', 'AWS Glue database', glueDb, 'The schema comes from a Glue table: in Sluice, a table of the server\'s --glue-tables file.'),
      field('fh-glue-table', 'AWS Glue table', glueTable),
      field('fh-deserializer', 'Input format (deserializer)', deserializer),
      group(caseInsensitive.label), hiveRow,
      field('fh-parquet-compression', 'Parquet compression', parquetCompression));
    const convertSet = el('fieldset', {}, el('legend', {}, 'Convert record format'),
      hint('fh-convert', 'JSON records become Apache Parquet files with the columns of a Glue table; the buffer size is then 64 to 128 MiB.'),
      convert.label, convertBox);

    // ---- destination settings: S3 ----
    const bucket = text('fh-bucket', { required: true });
    const prefix = text('fh-prefix', { class: 'wide' });
    const errorPrefix = text('fh-error-prefix', { class: 'wide' });
    const compression = select('fh-compression', [['UNCOMPRESSED', 'Not enabled'], ['GZIP', 'GZIP'], ['ZIP', 'ZIP'], ['Snappy', 'Snappy'], ['HADOOP_SNAPPY', 'HADOOP_SNAPPY']]);
    const extension = text('fh-extension', { placeholder: '.json' });
    const zone = text('fh-time-zone', { placeholder: 'UTC' });
    const dp = check('fh-dp', 'Turn on dynamic partitioning');
    const deagg = check('fh-deagg', 'Multi record deaggregation');
    const deaggType = select('fh-deagg-type', [['JSON', 'JSON'], ['DELIMITED', 'Delimited']]);
    const deaggDelimiter = text('fh-deagg-delimiter', { placeholder: '####' });
    const deaggDelimiterRow = group(field('fh-deagg-delimiter', 'Delimiter', deaggDelimiter, 'The text between records; the console sends it in base64, as the API wants.'));
    const newline = check('fh-newline', 'New line delimiter: add a new line after each record');
    const inline = check('fh-inline-json', 'Inline parsing for JSON (jq)');
    const keys = pairs('fh-dp-keys', 'Key name', 'JQ expression', 'Add dynamic partitioning key');
    const query = el('pre', { id: 'fh-jq-query', class: 'mono raw', 'aria-label': 'MetadataExtractionQuery' });
    const dpRetry = num('fh-dp-retry', 0, 7200, 300);
    const applyKeys = el('button', { type: 'button' }, 'Apply dynamic partitioning keys');
    const inlineBox = group(keys.box,
      el('p', { class: 'hint' }, 'The processor\'s query (MetadataExtraction, JQ-1.6):'), query, applyKeys);
    const deaggBox = group(field('fh-deagg-type', 'Multi record deaggregation type', deaggType), deaggDelimiterRow);
    const dpBox = group(
      group(deagg.label), deaggBox, group(newline.label), group(inline.label), inlineBox,
      field('fh-dp-retry', 'Dynamic partitioning retry duration (seconds)', dpRetry, '0 to 7200 seconds; then the records go to the error output prefix.'));
    const s3Box = el('div', { id: 'fh-s3' },
      field('fh-bucket', 'S3 bucket', bucket, 'The bucket name. Without --s3-endpoint, objects go to <data-dir>/s3/<bucket>/.'),
      el('fieldset', {}, el('legend', {}, 'Dynamic partitioning'),
        hint('fh-dp', 'Partitions records by keys from their content (jq) into prefixes. Chosen at creation only; needs a buffer size of 64 to 128 MiB and an error output prefix.'),
        dp.label, dpBox),
      field('fh-prefix', 'S3 bucket prefix - optional', prefix, 'For example logs/ or year=!{timestamp:yyyy}/. Without a timestamp expression, YYYY/MM/dd/HH/ is added.'),
      field('fh-error-prefix', 'S3 bucket error output prefix - optional', errorPrefix, 'Required when the prefix has expressions; may use !{firehose:error-output-type}.'),
      field('fh-compression', 'Compression for data records', compression),
      field('fh-extension', 'File extension - optional', extension, 'Replaces the compression\'s extension.'),
      field('fh-time-zone', 'Time zone for prefixes - optional', zone, 'An IANA time zone name, for example Europe/Paris; UTC when empty.'));

    // ---- HTTP endpoint ----
    const httpUrl = text('fh-http-url', { class: 'wide', placeholder: 'https://' });
    const httpName = text('fh-http-name');
    const httpKey = el('input', { id: 'fh-http-key', type: 'password', autocomplete: 'off' });
    const httpEncoding = select('fh-http-encoding', [['NONE', 'Not enabled'], ['GZIP', 'GZIP']]);
    const params = pairs('fh-http-params', 'Parameter key', 'Parameter value', 'Add parameter');
    const httpBox = el('div', { id: 'fh-http' },
      field('fh-http-url', 'HTTP endpoint URL', httpUrl, 'An https:// URL: the AWS API accepts no other.'),
      field('fh-http-name', 'HTTP endpoint name - optional', httpName),
      field('fh-http-key', 'Access key - optional', httpKey, 'Sent in the X-Amz-Firehose-Access-Key header; never shown again.'),
      field('fh-http-encoding', 'Content encoding', httpEncoding),
      el('fieldset', {}, el('legend', {}, 'Parameters - optional'),
        hint('fh-http-params', 'Common attributes, sent with every request in the X-Amz-Firehose-Common-Attributes header.'), params.box));

    // ---- OpenSearch Service, OpenSearch Serverless, Elasticsearch ----
    const searchEndpoint = text('fh-search-endpoint', { class: 'wide', placeholder: 'https://' });
    const searchEndpointLabel = el('label', { for: 'fh-search-endpoint' }, 'Cluster endpoint');
    const index = text('fh-search-index');
    const rotation = select('fh-search-rotation', [['NoRotation', 'No rotation'], ['OneHour', 'Every hour'], ['OneDay', 'Every day'], ['OneWeek', 'Every week'], ['OneMonth', 'Every month']]);
    rotation.value = 'OneDay';
    const typeName = text('fh-search-type');
    const docId = select('fh-search-docid', [['FIREHOSE_DEFAULT', 'Firehose default: Firehose generates the document ID'], ['NO_DOCUMENT_ID', 'The cluster generates the document ID']]);
    const domainOnly = group(
      field('fh-search-rotation', 'Index rotation', rotation, 'A timestamp is appended to the index name: logs-2024-05-01 for every day.'),
      field('fh-search-type', 'Type - optional', typeName, 'Elasticsearch 6.x needs a type name; 7.x and OpenSearch take none.'),
      field('fh-search-docid', 'Document ID', docId));
    const searchBox = el('div', { id: 'fh-search' },
      searchEndpointLabel, searchEndpoint, hint('fh-search-endpoint', 'An https:// URL: the AWS API accepts no other. Sluice has no domains to look a domain ARN up in.'),
      field('fh-search-index', 'Index', index), domainOnly);
    searchEndpoint.setAttribute('aria-describedby', 'fh-search-endpoint-hint');

    // ---- Splunk ----
    const hec = text('fh-splunk-endpoint', { class: 'wide', placeholder: 'https://splunk.example.com:8088' });
    const hecType = select('fh-splunk-type', [['Raw', 'Raw endpoint'], ['Event', 'Event endpoint']]);
    const hecToken = el('input', { id: 'fh-splunk-token', type: 'password', autocomplete: 'off' });
    const ack = num('fh-splunk-ack', 180, 600, 180);
    const splunkBox = el('div', { id: 'fh-splunk' },
      field('fh-splunk-endpoint', 'Splunk cluster endpoint', hec, 'The HTTP Event Collector\'s URL.'),
      field('fh-splunk-type', 'Splunk endpoint type', hecType),
      field('fh-splunk-token', 'Authentication token', hecToken, 'The HEC token; never shown again.'),
      field('fh-splunk-ack', 'HEC acknowledgement timeout (seconds)', ack, '180 to 600 seconds.'));

    // ---- Redshift ----
    const jdbc = text('fh-redshift-jdbc', { class: 'wide', placeholder: 'jdbc:redshift://dev.redshift.localhost:5432/postgres' });
    const rsUser = text('fh-redshift-user');
    const rsPassword = el('input', { id: 'fh-redshift-password', type: 'password', autocomplete: 'off' });
    const rsTable = text('fh-redshift-table');
    const rsColumns = text('fh-redshift-columns', { placeholder: 'id,item,price' });
    const rsCopy = text('fh-redshift-copy', { class: 'wide', placeholder: "JSON 'auto'" });
    const rsBucket = text('fh-redshift-bucket');
    const rsPrefix = text('fh-redshift-prefix');
    const rsCompression = select('fh-redshift-compression', [['UNCOMPRESSED', 'Not enabled'], ['GZIP', 'GZIP']]);
    const redshiftBox = el('div', { id: 'fh-redshift' },
      field('fh-redshift-jdbc', 'Cluster JDBC URL', jdbc, 'jdbc:redshift://<host>.redshift.<domain>:<port>/<database>, as the AWS API requires; COPY runs on the PostgreSQL server at that host and port (a host under .localhost is this machine).'),
      field('fh-redshift-user', 'User name', rsUser),
      field('fh-redshift-password', 'Password', rsPassword, 'At least 6 characters; never shown again.'),
      field('fh-redshift-table', 'Table', rsTable),
      field('fh-redshift-columns', 'Columns - optional', rsColumns, 'Comma-separated; empty: every column of the table.'),
      field('fh-redshift-copy', 'COPY command options - optional', rsCopy, "For example JSON 'auto', or CSV; empty: the columns delimited by |."),
      field('fh-redshift-bucket', 'Intermediate S3 bucket', rsBucket, 'Each batch is staged here before COPY.'),
      field('fh-redshift-prefix', 'Intermediate S3 bucket prefix - optional', rsPrefix),
      field('fh-redshift-compression', 'Compression for the intermediate objects', rsCompression));

    // ---- Snowflake ----
    const sfUrl = text('fh-snowflake-url', { class: 'wide', placeholder: 'https://xy12345.us-east-1.snowflakecomputing.com' });
    const sfUser = text('fh-snowflake-user');
    const sfKey = el('textarea', { id: 'fh-snowflake-key', spellcheck: 'false' });
    const sfPassphrase = el('input', { id: 'fh-snowflake-passphrase', type: 'password', autocomplete: 'off' });
    const sfRole = text('fh-snowflake-role');
    const sfDb = text('fh-snowflake-db');
    const sfSchema = text('fh-snowflake-schema');
    const sfTable = text('fh-snowflake-table');
    const sfLoading = select('fh-snowflake-loading', [['JSON_MAPPING', 'Use JSON keys as table column names'],
      ['VARIANT_CONTENT_MAPPING', 'Use VARIANT columns'], ['VARIANT_CONTENT_AND_METADATA_MAPPING', 'Use VARIANT columns with metadata']]);
    const sfContent = text('fh-snowflake-content');
    const sfMeta = text('fh-snowflake-meta');
    const sfContentRow = group(field('fh-snowflake-content', 'Content column name', sfContent));
    const sfMetaRow = group(field('fh-snowflake-meta', 'Metadata column name', sfMeta));
    const snowflakeBox = el('div', { id: 'fh-snowflake' },
      field('fh-snowflake-url', 'Snowflake account URL', sfUrl),
      field('fh-snowflake-user', 'User', sfUser),
      field('fh-snowflake-key', 'Private key', sfKey, 'The user\'s key pair private key, PEM or its base64 body; the console sends the body. Never shown again.'),
      field('fh-snowflake-passphrase', 'Passphrase - optional', sfPassphrase, 'When the private key is encrypted.'),
      field('fh-snowflake-role', 'Snowflake role - optional', sfRole),
      field('fh-snowflake-db', 'Database', sfDb),
      field('fh-snowflake-schema', 'Schema', sfSchema),
      field('fh-snowflake-table', 'Table', sfTable),
      field('fh-snowflake-loading', 'Data loading options', sfLoading), sfContentRow, sfMetaRow);

    // ---- Iceberg ----
    const catalog = text('fh-iceberg-catalog', { class: 'wide', value: `arn:aws:glue:${session.region}:${session.accountId}:catalog` });
    const warehouse = text('fh-iceberg-warehouse', { class: 'wide', placeholder: 's3://bucket/warehouse' });
    const ibDb = text('fh-iceberg-db');
    const ibTable = text('fh-iceberg-table');
    const appendOnly = check('fh-iceberg-append', 'Append only: no updates or deletes by unique key');
    const icebergBox = el('div', { id: 'fh-iceberg' },
      field('fh-iceberg-catalog', 'Catalog ARN', catalog, 'The Glue Data Catalog that holds the tables.'),
      field('fh-iceberg-warehouse', 'Warehouse location - optional', warehouse),
      el('fieldset', {}, el('legend', {}, 'Destination table'),
        field('fh-iceberg-db', 'Database', ibDb),
        field('fh-iceberg-table', 'Table', ibTable, 'Its columns come from the server\'s --glue-tables file. Sluice appends: unique keys (updates and deletes) are not supported.')),
      group(appendOnly.label));

    // ---- buffering, retries, backup (every kind) ----
    const size = num('fh-buffer-size', 1, 128, 5);
    const interval = num('fh-buffer-interval', 0, 900, 300);
    const sizeHint = hint('fh-buffer-size', '');
    const intervalHint = hint('fh-buffer-interval', '');
    size.setAttribute('aria-describedby', 'fh-buffer-size-hint');
    interval.setAttribute('aria-describedby', 'fh-buffer-interval-hint');
    const retry = num('fh-retry', 0, 7200, 300);
    const retryRow = group(field('fh-retry', 'Retry duration (seconds)', retry, '0 to 7200 seconds of retries before the records go to the S3 backup bucket.'));
    const backupMode = el('select', { id: 'fh-backup-mode' });
    const backupHint = hint('fh-backup-mode', '');
    backupMode.setAttribute('aria-describedby', 'fh-backup-mode-hint');
    const backupBucket = text('fh-backup-bucket');
    const backupPrefix = text('fh-backup-prefix', { class: 'wide' });
    const backupErrorPrefix = text('fh-backup-error-prefix', { class: 'wide' });
    const backupBucketBox = group(
      field('fh-backup-bucket', 'S3 backup bucket', backupBucket),
      field('fh-backup-prefix', 'S3 backup bucket prefix - optional', backupPrefix),
      field('fh-backup-error-prefix', 'S3 backup bucket error output prefix - optional', backupErrorPrefix));

    const boxes = { S3: s3Box, HttpEndpoint: httpBox, OpenSearch: searchBox, OpenSearchServerless: searchBox, Elasticsearch: searchBox,
      Splunk: splunkBox, Redshift: redshiftBox, Snowflake: snowflakeBox, Iceberg: icebergBox };
    const err = el('div', { 'aria-live': 'polite' });
    const form = el('form', { novalidate: true, 'aria-labelledby': 'fh-create-title' },
      el('div', { class: 'panel' }, el('h2', {}, 'Choose source and destination'),
        field('fh-source', 'Source', source), streamRow,
        field('fh-destination', 'Destination', dest), about),
      el('div', { class: 'panel' }, el('h2', {}, 'Firehose stream name'),
        field('fh-name', 'Firehose stream name', name, 'The name of the stream: 1 to 64 letters, digits, hyphens, underscores and periods.'), nameMsg),
      el('div', { class: 'panel' }, el('h2', {}, 'Transform and convert records - optional'),
        el('fieldset', {}, el('legend', {}, 'Decompress records from Amazon CloudWatch Logs'),
          hint('fh-decompress', 'CloudWatch Logs subscriptions send gzipped JSON; message extraction then delivers each log event\'s message alone.'),
          group(decompress.label), group(extract.label)),
        el('fieldset', {}, el('legend', {}, 'Transform records with AWS Lambda'), group(lambda.label), lambdaRow),
        convertSet),
      el('div', { class: 'panel' }, el('h2', {}, 'Destination settings'),
        ...new Set(Object.values(boxes)),
        el('div', { class: 'form-grid' },
          field('fh-buffer-size', 'Buffer size (MiB)', size), field('fh-buffer-interval', 'Buffer interval (seconds)', interval)),
        sizeHint, intervalHint, retryRow),
      el('div', { class: 'panel' }, el('h2', {}, 'Backup settings'),
        field('fh-backup-mode', 'S3 backup mode', backupMode), backupHint, backupBucketBox),
      err,
      el('div', { class: 'bar' }, el('a', { href: '#/firehose' }, 'Cancel'),
        el('button', { class: 'primary', type: 'submit' }, 'Create Firehose stream')));

    // ---- what is shown follows the choices ----
    const jqQuery = () => '{' + keys.values().map(([k, e]) => `${JQ_KEY_RE.test(k) ? k : JSON.stringify(k)}: ${e.trim()}`).join(', ') + '}';
    let kind = null;
    const sync = () => {
      const k = kindOf(dest.value);
      const changed = k !== kind;
      kind = k;
      const s3 = k.id === 'S3';
      for (const box of new Set(Object.values(boxes))) box.hidden = box !== boxes[k.id];
      about.textContent = ABOUT[k.id];
      const serverless = k.id === 'OpenSearchServerless';
      searchEndpointLabel.textContent = serverless ? 'Collection endpoint' : 'Cluster endpoint';
      domainOnly.hidden = serverless;
      // Transformations: Lambda's ARN, the S3-only sections.
      extract.box.disabled = !decompress.box.checked;
      if (!decompress.box.checked) extract.box.checked = false;
      lambdaRow.hidden = !lambda.box.checked;
      convertSet.hidden = !s3;
      convertBox.hidden = !convert.box.checked;
      caseInsensitive.label.hidden = deserializer.value !== 'OpenX';
      hiveRow.hidden = deserializer.value !== 'Hive';
      dpBox.hidden = !dp.box.checked;
      deaggBox.hidden = !deagg.box.checked;
      deaggDelimiterRow.hidden = deaggType.value !== 'DELIMITED';
      inlineBox.hidden = !inline.box.checked;
      query.textContent = jqQuery();
      const converting = s3 && convert.box.checked;
      compression.disabled = converting;
      if (converting) compression.value = 'UNCOMPRESSED';
      sfContentRow.hidden = sfLoading.value === 'JSON_MAPPING';
      sfMetaRow.hidden = sfLoading.value !== 'VARIANT_CONTENT_AND_METADATA_MAPPING';
      // Buffering hints: the kind's range; 64 MiB at least and no zero
      // interval for dynamic partitioning and format conversion.
      const big = s3 && (dp.box.checked || convert.box.checked);
      const minSize = big ? 64 : 1, minInterval = s3 && dp.box.checked ? 60 : 0;
      if (changed) {
        size.value = k.defaults.size;
        interval.value = k.defaults.interval;
        if (k.defaults.retry !== undefined) retry.value = k.defaults.retry;
        backupMode.replaceChildren(...k.backup.map(([v, t]) => el('option', { value: v }, t)));
      }
      size.min = String(minSize);
      size.max = String(k.hints[0]);
      interval.min = String(minInterval);
      interval.max = String(k.hints[1]);
      if (big && +size.value < 64) size.value = 128;
      if (+interval.value < minInterval) interval.value = 300;
      sizeHint.textContent = `Buffer size: ${minSize} to ${k.hints[0]} MiB${k.id === 'Redshift' ? ' (the intermediate S3 objects)' : ''}.`;
      intervalHint.textContent = `Buffer interval: ${minInterval} to ${k.hints[1]} seconds; whichever hint is reached first delivers.`;
      retryRow.hidden = s3;
      // Backup: S3 and Redshift back up only when asked; the others always
      // have a backup bucket, for failed or all data.
      const optional = s3 || k.id === 'Redshift';
      backupBucketBox.hidden = optional && backupMode.value !== 'Enabled';
      backupHint.textContent = s3 ? 'Enabled: the source records, before transformation and conversion, are delivered to a backup bucket too.'
        : k.id === 'Redshift' ? 'Enabled: the source records are delivered to a backup bucket too.'
          : `The bucket receives what could not be delivered (${k.backup[0][1].toLowerCase()}) or everything (${k.backup[1][1].toLowerCase()})${k.id === 'Snowflake' ? '; Sluice stages the batches there' : ''}.`;
    };
    for (const c of [dest, decompress.box, lambda.box, convert.box, deserializer, dp.box, deagg.box, deaggType, inline.box, sfLoading, backupMode]) {
      c.addEventListener('change', sync);
    }
    keys.onChange(() => { query.textContent = jqQuery(); });
    applyKeys.addEventListener('click', () => {
      const add = keys.values().map(([k]) => `${k}=!{partitionKeyFromQuery:${k}}/`).filter((p) => !prefix.value.includes(p));
      prefix.value += add.join('');
    });
    sync();

    // ---- the request ----
    const s3Conf = (b, p, e, c) => {
      const out = { RoleARN: role, BucketARN: 'arn:aws:s3:::' + b.trim() };
      if (p) out.Prefix = p;
      if (e) out.ErrorOutputPrefix = e;
      if (c) out.CompressionFormat = c;
      return out;
    };
    const backupConf = () => s3Conf(backupBucket.value, backupPrefix.value, backupErrorPrefix.value);
    const param = (n, v) => ({ ParameterName: n, ParameterValue: v });
    const hints = () => ({ SizeInMBs: +size.value, IntervalInSeconds: +interval.value });
    const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);

    function processing(k) {
      const s3dp = k.id === 'S3' && dp.box.checked;
      const out = [];
      if (s3dp && deagg.box.checked) {
        const ps = [param('SubRecordType', deaggType.value)];
        if (deaggType.value === 'DELIMITED') ps.push(param('Delimiter', b64encode(deaggDelimiter.value)));
        out.push({ Type: 'RecordDeAggregation', Parameters: ps });
      }
      if (decompress.box.checked) out.push({ Type: 'Decompression', Parameters: [param('CompressionFormat', 'GZIP')] });
      if (extract.box.checked) out.push({ Type: 'CloudWatchLogProcessing', Parameters: [param('DataMessageExtraction', 'true')] });
      if (lambda.box.checked) out.push({ Type: 'Lambda', Parameters: [param('LambdaArn', lambdaArn.value.trim())] });
      if (s3dp && inline.box.checked) {
        out.push({ Type: 'MetadataExtraction', Parameters: [param('MetadataExtractionQuery', jqQuery()), param('JsonParsingEngine', 'JQ-1.6')] });
      }
      if (s3dp && newline.box.checked) out.push({ Type: 'AppendDelimiterToRecord' });
      return out.length ? { Enabled: true, Processors: out } : null;
    }

    function conversion() {
      const input = deserializer.value === 'OpenX'
        ? { OpenXJsonSerDe: { CaseInsensitive: caseInsensitive.box.checked } }
        : { HiveJsonSerDe: timestamps.value.trim() ? { TimestampFormats: list(timestamps.value) } : {} };
      return {
        Enabled: true,
        SchemaConfiguration: { RoleARN: role, DatabaseName: glueDb.value.trim(), TableName: glueTable.value.trim(), Region: session.region },
        InputFormatConfiguration: { Deserializer: input },
        OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: parquetCompression.value } } },
      };
    }

    function configuration(k) {
      const retryOpts = { DurationInSeconds: +retry.value };
      switch (k.id) {
        case 'S3': {
          const c = { ...s3Conf(bucket.value, prefix.value, errorPrefix.value, compression.value), BufferingHints: hints() };
          if (extension.value) c.FileExtension = extension.value;
          if (zone.value) c.CustomTimeZone = zone.value;
          if (dp.box.checked) c.DynamicPartitioningConfiguration = { Enabled: true, RetryOptions: { DurationInSeconds: +dpRetry.value } };
          if (convert.box.checked) c.DataFormatConversionConfiguration = conversion();
          c.S3BackupMode = backupMode.value;
          if (backupMode.value === 'Enabled') c.S3BackupConfiguration = backupConf();
          return c;
        }
        case 'HttpEndpoint': {
          const e = { Url: httpUrl.value.trim() };
          if (httpName.value.trim()) e.Name = httpName.value.trim();
          if (httpKey.value) e.AccessKey = httpKey.value;
          return {
            EndpointConfiguration: e,
            RequestConfiguration: { ContentEncoding: httpEncoding.value, CommonAttributes: params.values().map(([n, v]) => ({ AttributeName: n, AttributeValue: v })) },
            BufferingHints: hints(), RetryOptions: retryOpts, RoleARN: role, S3BackupMode: backupMode.value, S3Configuration: backupConf(),
          };
        }
        case 'OpenSearch': case 'Elasticsearch': {
          const c = {
            RoleARN: role, ClusterEndpoint: searchEndpoint.value.trim(), IndexName: index.value.trim(), IndexRotationPeriod: rotation.value,
            DocumentIdOptions: { DefaultDocumentIdFormat: docId.value },
            BufferingHints: hints(), RetryOptions: retryOpts, S3BackupMode: backupMode.value, S3Configuration: backupConf(),
          };
          if (typeName.value.trim()) c.TypeName = typeName.value.trim();
          return c;
        }
        case 'OpenSearchServerless':
          return {
            RoleARN: role, CollectionEndpoint: searchEndpoint.value.trim(), IndexName: index.value.trim(),
            BufferingHints: hints(), RetryOptions: retryOpts, S3BackupMode: backupMode.value, S3Configuration: backupConf(),
          };
        case 'Splunk':
          return {
            HECEndpoint: hec.value.trim(), HECEndpointType: hecType.value, HECToken: hecToken.value, HECAcknowledgmentTimeoutInSeconds: +ack.value,
            BufferingHints: hints(), RetryOptions: retryOpts, S3BackupMode: backupMode.value, S3Configuration: backupConf(),
          };
        case 'Redshift': {
          const copy = { DataTableName: rsTable.value.trim() };
          if (rsColumns.value.trim()) copy.DataTableColumns = rsColumns.value.trim();
          if (rsCopy.value.trim()) copy.CopyOptions = rsCopy.value.trim();
          const c = {
            RoleARN: role, ClusterJDBCURL: jdbc.value.trim(), CopyCommand: copy, Username: rsUser.value, Password: rsPassword.value,
            RetryOptions: retryOpts, S3BackupMode: backupMode.value,
            S3Configuration: { ...s3Conf(rsBucket.value, rsPrefix.value, '', rsCompression.value), BufferingHints: hints() },
          };
          if (backupMode.value === 'Enabled') c.S3BackupConfiguration = backupConf();
          return c;
        }
        case 'Snowflake': {
          const c = {
            AccountUrl: sfUrl.value.trim(), User: sfUser.value.trim(),
            PrivateKey: sfKey.value.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''),
            Database: sfDb.value.trim(), Schema: sfSchema.value.trim(), Table: sfTable.value.trim(), DataLoadingOption: sfLoading.value,
            RoleARN: role, BufferingHints: hints(), RetryOptions: retryOpts, S3BackupMode: backupMode.value, S3Configuration: backupConf(),
          };
          if (sfPassphrase.value) c.KeyPassphrase = sfPassphrase.value;
          if (sfRole.value.trim()) c.SnowflakeRoleConfiguration = { Enabled: true, SnowflakeRole: sfRole.value.trim() };
          if (!sfContentRow.hidden && sfContent.value.trim()) c.ContentColumnName = sfContent.value.trim();
          if (!sfMetaRow.hidden && sfMeta.value.trim()) c.MetaDataColumnName = sfMeta.value.trim();
          return c;
        }
        case 'Iceberg': {
          const table = { DestinationDatabaseName: ibDb.value.trim(), DestinationTableName: ibTable.value.trim() };
          const c = {
            DestinationTableConfigurationList: [table], CatalogConfiguration: { CatalogARN: catalog.value.trim() },
            AppendOnly: appendOnly.box.checked, RoleARN: role,
            BufferingHints: hints(), RetryOptions: retryOpts, S3BackupMode: backupMode.value, S3Configuration: backupConf(),
          };
          if (warehouse.value.trim()) c.CatalogConfiguration.WarehouseLocation = warehouse.value.trim();
          return c;
        }
      }
      return null;
    }

    // problems lists the visible fields that are empty or out of range
    // for the chosen kind, each with its control and what to say.
    function problems(k) {
      const https = (input, what) => [input, /^https:\/\/\S+$/.test(input.value.trim()), `Enter the ${what} as an https:// URL: the AWS API accepts no other.`];
      const filled = (input, what) => [input, input.value.trim() !== '', `Enter the ${what}.`];
      const bucketOK = (input, what) => [input, BUCKET_RE.test(input.value.trim()), `Enter a valid ${what} name (3 to 63 lower-case letters, digits, dots and hyphens).`];
      const checks = {
        S3: [bucketOK(bucket, 'S3 bucket')],
        HttpEndpoint: [https(httpUrl, 'HTTP endpoint URL')],
        OpenSearch: [https(searchEndpoint, 'cluster endpoint'), filled(index, 'index name')],
        Elasticsearch: [https(searchEndpoint, 'cluster endpoint'), filled(index, 'index name')],
        OpenSearchServerless: [https(searchEndpoint, 'collection endpoint'), filled(index, 'index name')],
        Splunk: [filled(hec, 'Splunk cluster endpoint'), filled(hecToken, 'authentication token')],
        Redshift: [filled(jdbc, 'cluster JDBC URL'), filled(rsUser, 'user name'), [rsPassword, rsPassword.value.length >= 6, 'Enter a password of at least 6 characters.'],
          filled(rsTable, 'table'), bucketOK(rsBucket, 'intermediate S3 bucket')],
        Snowflake: [filled(sfUrl, 'Snowflake account URL'), filled(sfUser, 'user'), filled(sfKey, 'private key'), filled(sfDb, 'database'),
          filled(sfSchema, 'schema'), filled(sfTable, 'table')],
        Iceberg: [filled(catalog, 'catalog ARN'), filled(ibDb, 'destination database'), filled(ibTable, 'destination table')],
      }[k.id];
      if (!backupBucketBox.hidden) checks.push(bucketOK(backupBucket, 'S3 backup bucket'));
      if (lambda.box.checked) checks.push(filled(lambdaArn, 'Lambda function ARN'));
      if (k.id === 'S3' && dp.box.checked) {
        checks.push([errorPrefix, errorPrefix.value.trim() !== '', 'Enter an S3 bucket error output prefix: dynamic partitioning requires one.']);
        if (inline.box.checked) checks.push([inlineBox.querySelector('input') || inlineBox.querySelector('button'), keys.values().length > 0, 'Add at least one dynamic partitioning key for inline parsing.']);
        if (deagg.box.checked && deaggType.value === 'DELIMITED') checks.push(filled(deaggDelimiter, 'deaggregation delimiter'));
      }
      if (k.id === 'S3' && convert.box.checked) checks.push(filled(glueDb, 'AWS Glue database'), filled(glueTable, 'AWS Glue table'));
      // The numbers shown, within their ranges.
      for (const input of form.querySelectorAll('input[type=number]')) {
        if (input.closest('[hidden]')) continue;
        const v = input.value === '' ? NaN : +input.value;
        const what = form.querySelector(`label[for="${input.id}"]`).textContent;
        checks.push([input, Number.isInteger(v) && v >= +input.min && v <= +input.max, `${what}: enter a whole number from ${input.min} to ${input.max}.`]);
      }
      // The first in the form's order is the one reported.
      return checks.filter(([, ok]) => !ok)
        .sort(([a], [b]) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.replaceChildren();
      if (!NAME_RE.test(name.value)) { name.focus(); nameMsg.textContent = 'Enter a valid Firehose stream name.'; return; }
      const k = kindOf(dest.value);
      const bad = problems(k);
      if (bad.length) {
        bad[0][0].focus();
        err.append(errorBox(bad[0][2]));
        return;
      }
      const c = configuration(k);
      const proc = processing(k);
      if (proc) c.ProcessingConfiguration = proc;
      const input = { DeliveryStreamName: name.value, DeliveryStreamType: source.value, [k.config]: c };
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
  };
}
