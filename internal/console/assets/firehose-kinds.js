// Firehose destination kinds for the console: what each kind is called,
// its API members, buffering ranges and defaults, backup modes, and how a
// stream page renders a destination's description. firehose.js (the list
// and stream pages) and firehose-create.js (the create form) share them.

// DESTINATIONS are the destination kinds in the order of AWS's chooser.
// hints: [max MiB, max seconds] of BufferingHints (the minimums are 1 MiB
// and 0 seconds); defaults: AWS's buffering and retry defaults (Redshift
// buffers in its S3 configuration, with S3's hints); backup: S3BackupMode
// values, the default first.
export const DESTINATIONS = [
  {
    id: 'S3', label: 'Amazon S3', config: 'ExtendedS3DestinationConfiguration', hints: [128, 900],
    defaults: { size: 5, interval: 300 }, backup: [['Disabled', 'Disabled'], ['Enabled', 'Enabled']],
  },
  {
    id: 'HttpEndpoint', label: 'HTTP Endpoint', config: 'HttpEndpointDestinationConfiguration', describe: 'HttpEndpointDestinationDescription',
    hints: [64, 900], defaults: { size: 5, interval: 300, retry: 300 },
    backup: [['FailedDataOnly', 'Failed data only'], ['AllData', 'All data']],
  },
  {
    id: 'OpenSearch', label: 'Amazon OpenSearch Service', config: 'AmazonopensearchserviceDestinationConfiguration',
    describe: 'AmazonopensearchserviceDestinationDescription', hints: [100, 900], defaults: { size: 5, interval: 300, retry: 300 },
    backup: [['FailedDocumentsOnly', 'Failed documents only'], ['AllDocuments', 'All documents']],
  },
  {
    id: 'OpenSearchServerless', label: 'Amazon OpenSearch Serverless', config: 'AmazonOpenSearchServerlessDestinationConfiguration',
    describe: 'AmazonOpenSearchServerlessDestinationDescription', hints: [100, 900], defaults: { size: 5, interval: 300, retry: 300 },
    backup: [['FailedDocumentsOnly', 'Failed documents only'], ['AllDocuments', 'All documents']],
  },
  {
    id: 'Elasticsearch', label: 'Elasticsearch (legacy Amazon Elasticsearch Service)', config: 'ElasticsearchDestinationConfiguration',
    describe: 'ElasticsearchDestinationDescription', hints: [100, 900], defaults: { size: 5, interval: 300, retry: 300 },
    backup: [['FailedDocumentsOnly', 'Failed documents only'], ['AllDocuments', 'All documents']],
  },
  {
    id: 'Splunk', label: 'Splunk', config: 'SplunkDestinationConfiguration', describe: 'SplunkDestinationDescription',
    hints: [5, 60], defaults: { size: 5, interval: 60, retry: 3600 },
    backup: [['FailedEventsOnly', 'Failed events only'], ['AllEvents', 'All events']],
  },
  {
    id: 'Redshift', label: 'Amazon Redshift', config: 'RedshiftDestinationConfiguration', describe: 'RedshiftDestinationDescription',
    hints: [128, 900], defaults: { size: 5, interval: 300, retry: 3600 }, backup: [['Disabled', 'Disabled'], ['Enabled', 'Enabled']],
  },
  {
    id: 'Snowflake', label: 'Snowflake', config: 'SnowflakeDestinationConfiguration', describe: 'SnowflakeDestinationDescription',
    hints: [128, 900], defaults: { size: 1, interval: 0, retry: 60 },
    backup: [['FailedDataOnly', 'Failed data only'], ['AllData', 'All data']],
  },
  {
    id: 'Iceberg', label: 'Apache Iceberg Tables', config: 'IcebergDestinationConfiguration', describe: 'IcebergDestinationDescription',
    hints: [128, 900], defaults: { size: 5, interval: 300, retry: 300 },
    backup: [['FailedDataOnly', 'Failed data only'], ['AllData', 'All data']],
  },
];

export const kindOf = (id) => DESTINATIONS.find((k) => k.id === id);

// destinationOf returns a delivery stream description's destination: its
// kind and the description member of that kind.
export function destinationOf(d) {
  const dest = (d.Destinations || [])[0] || {};
  for (const k of DESTINATIONS) {
    if (k.describe && dest[k.describe]) return { kind: k, desc: dest[k.describe] };
  }
  return { kind: DESTINATIONS[0], desc: dest.ExtendedS3DestinationDescription || dest.S3DestinationDescription || {} };
}

const bucketName = (arn) => (arn || '').split(':').pop();
const hostOf = (url) => { try { return new URL(url).host; } catch { return url || ''; } };

// s3Of is the S3 configuration a destination delivers to (S3), stages in
// (Redshift, Snowflake, Iceberg) or backs up to (the others).
export const s3Of = ({ kind, desc }) => (kind.id === 'S3' ? desc : desc.S3DestinationDescription || {});

// bucketOf is that configuration's bucket name.
export const bucketOf = (dest) => bucketName(s3Of(dest).BucketARN);

// hintsOf is the buffering hints the destination delivers by.
export const hintsOf = ({ kind, desc }) => (kind.id === 'Redshift' ? (desc.S3DestinationDescription || {}).BufferingHints : desc.BufferingHints);

// targetLabel names where a destination delivers, for lists and summaries.
export function targetLabel({ kind, desc }) {
  switch (kind.id) {
    case 'S3': return `Amazon S3 bucket ${bucketName(desc.BucketARN)}`;
    case 'HttpEndpoint': {
      const e = desc.EndpointConfiguration || {};
      return `HTTP Endpoint ${e.Name ? e.Name + ' (' + e.Url + ')' : e.Url}`;
    }
    case 'OpenSearch': case 'Elasticsearch':
      return `${kind.label} index ${desc.IndexName} at ${hostOf(desc.ClusterEndpoint) || desc.DomainARN}`;
    case 'OpenSearchServerless': return `${kind.label} index ${desc.IndexName} at ${hostOf(desc.CollectionEndpoint)}`;
    case 'Splunk': return `Splunk ${desc.HECEndpointType} endpoint ${desc.HECEndpoint}`;
    case 'Redshift': return `Amazon Redshift table ${(desc.CopyCommand || {}).DataTableName} (${desc.ClusterJDBCURL})`;
    case 'Snowflake': return `Snowflake table ${desc.Database}.${desc.Schema}.${desc.Table}`;
    case 'Iceberg':
      return `Apache Iceberg Tables ${(desc.DestinationTableConfigurationList || []).map((t) => t.DestinationDatabaseName + '.' + t.DestinationTableName).join(', ') || '(tables from the records)'}`;
    default: return kind.label;
  }
}

// The few member names whose words the generic rule below gets wrong.
const LABELS = {
  Url: 'URL', HECEndpoint: 'HEC endpoint', HECEndpointType: 'HEC endpoint type',
  HECAcknowledgmentTimeoutInSeconds: 'HEC acknowledgment timeout (seconds)', ClusterJDBCURL: 'Cluster JDBC URL',
  OpenXJsonSerDe: 'OpenX JSON SerDe', HiveJsonSerDe: 'Apache Hive JSON SerDe', ParquetSerDe: 'Apache Parquet SerDe',
  OrcSerDe: 'Apache ORC SerDe', ColumnToJsonKeyMappings: 'Column to JSON key mappings',
  ConvertDotsInJsonKeysToUnderscores: 'Convert dots in JSON keys to underscores', CatalogId: 'Catalog ID', VersionId: 'Version ID',
  DocumentIdOptions: 'Document ID options', DefaultDocumentIdFormat: 'Default document ID format', AccountUrl: 'Account URL',
  S3DestinationDescription: 'Amazon S3 (backup and staging)', S3BackupDescription: 'S3 backup bucket',
  AWSKMSKeyARN: 'AWS KMS key ARN', KMSEncryptionConfig: 'KMS encryption', MetaDataColumnName: 'Metadata column name',
  CloudWatchLoggingOptions: 'CloudWatch error logging', RoleARN: 'Role ARN', BucketARN: 'Bucket ARN', CatalogARN: 'Catalog ARN', DomainARN: 'Domain ARN',
};

// label turns an API member name into words: S3BackupMode → "S3 backup
// mode", IntervalInSeconds → "Interval (seconds)".
export function label(member) {
  if (LABELS[member]) return LABELS[member];
  let unit = '';
  let name = member;
  for (const [suffix, u] of [['InSeconds', 'seconds'], ['InMBs', 'MiB'], ['Bytes', 'bytes']]) {
    if (name.endsWith(suffix) && name !== suffix) { name = name.slice(0, -suffix.length); unit = ` (${u})`; break; }
  }
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').split(' ');
  return words.map((w, i) => (i === 0 || /[A-Z].*[A-Z0-9]/.test(w) ? w : w.toLowerCase())).join(' ') + unit;
}

// describeTree renders a description (any JSON value) as nested
// definition lists: member names in words, name/value lists (processor
// parameters, common attributes) as "name: value" lines, processors by
// type. It shows whatever DescribeDeliveryStream returns, so a member the
// console does not know yet still appears.
export function describeTree(el, value, labels = {}) {
  const scalar = (v) => (typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v));
  const pairs = (list) => {
    const keys = Object.keys(list[0] || {});
    const name = keys.find((k) => /Name$/.test(k)), val = keys.find((k) => /Value$/.test(k));
    return keys.length === 2 && name && val && list.every((x) => Object.keys(x).length === 2) ? [name, val] : null;
  };
  const render = (v) => {
    if (v === null || v === undefined || v === '') return el('span', { class: 'hint' }, '(none)');
    if (Array.isArray(v)) {
      if (!v.length) return el('span', { class: 'hint' }, '(none)');
      if (v.every((x) => typeof x !== 'object')) return v.map(scalar).join(', ');
      const p = pairs(v);
      if (p) return el('ul', { class: 'plain' }, v.map((x) => el('li', {}, el('span', { class: 'mono' }, x[p[0]]), ': ', el('span', { class: 'mono' }, x[p[1]]))));
      if (v.every((x) => x && x.Type)) { // processors
        return el('ul', { class: 'plain' }, v.map((x) => el('li', {}, el('strong', {}, x.Type),
          x.Parameters && x.Parameters.length ? render(x.Parameters) : null)));
      }
      return el('ol', {}, v.map((x) => el('li', {}, render(x))));
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v);
      if (!entries.length) return el('span', { class: 'hint' }, '(none)');
      return el('dl', { class: 'tree' }, entries.map(([k, x]) => el('div', {},
        el('dt', {}, labels[k] || label(k)), el('dd', {}, render(x)))));
    }
    return scalar(v);
  };
  return render(value);
}
