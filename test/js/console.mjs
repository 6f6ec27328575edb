// console.mjs walks Sluice's web console in headless Chromium (Debian's,
// never a downloaded one) with playwright-core, and checks what it does with
// the AWS SDK for JavaScript. Driven by internal/console/browser_e2e_test.go.
//
// Environment: SLUICE_ENDPOINT (http://127.0.0.1:port), SLUICE_MODE (open,
// sigv4, firehose or firehose-destinations), SLUICE_KEY and SLUICE_SECRET
// (sigv4: a key in the server's credentials file), HTTP_ENDPOINT
// (firehose-destinations: an https:// URL that answers as AWS's HTTP
// endpoint contract asks), CHROMIUM (the browser's path), SCREENSHOTS (a
// folder for one screenshot per step). It prints "ok" and exits 0 when every step
// passed; otherwise it prints the failed step and exits 1.
import { chromium } from 'playwright-core';
import { KinesisClient, PutRecordsCommand, DescribeStreamSummaryCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import assert from 'node:assert/strict';
import path from 'node:path';

const endpoint = process.env.SLUICE_ENDPOINT;
const mode = process.env.SLUICE_MODE || 'open';
const shots = process.env.SCREENSHOTS;
const key = process.env.SLUICE_KEY || 'AKIDCONSOLETEST';
const secret = process.env.SLUICE_SECRET || 'secret';
const kinesis = new KinesisClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: key, secretAccessKey: secret }, maxAttempts: 1 });

let shot = 0;
async function step(page, name, fn) {
  process.stderr.write(`step: ${name}\n`);
  try {
    await fn();
  } finally {
    shot++;
    if (shots) await page.screenshot({ path: path.join(shots, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const failures = [];
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  if (mode === 'sigv4') await signIn(page);
  else if (mode === 'firehose') await walkFirehose(page);
  else if (mode === 'firehose-destinations') await walkFirehoseDestinations(page);
  else await walkStreams(page);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('ok');

async function walkStreams(page) {
  const name = 'console-stream';
  await step(page, 'open-console', async () => {
    await page.goto(endpoint + '/');
    await page.getByRole('link', { name: 'Data streams' }).click();
    await page.getByRole('heading', { name: 'Data streams' }).waitFor();
  });
  await step(page, 'create-page', async () => {
    await page.getByRole('button', { name: 'Create data stream' }).click();
    await page.getByRole('heading', { name: 'Create data stream' }).waitFor();
    // Every form control has a label.
    const unlabelled = await page.$$eval('main input, main select, main textarea',
      (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabelled, [], 'every control on the create page is labelled');
  });
  await step(page, 'name-checked-as-typed', async () => {
    await page.getByLabel('Data stream name').fill('bad name!');
    await page.getByText('Use only letters, digits').waitFor();
    await page.getByLabel('Data stream name').fill(name);
    assert.equal(await page.locator('#stream-name-msg').textContent(), '');
  });
  await step(page, 'provisioned', async () => {
    await page.getByLabel('Provisioned', { exact: true }).check();
    await page.getByLabel('Provisioned shards').fill('2');
    await page.getByText('Write capacity: maximum 2 MiB/second and 2000 records/second').waitFor();
    await page.getByLabel('Maximum records written per second').fill('3500');
    await page.getByText('Estimated number of shards: 4.').waitFor();
  });
  await step(page, 'tags', async () => {
    await page.getByRole('button', { name: 'Add new tag' }).click();
    await page.getByLabel('Key', { exact: true }).fill('team');
    await page.getByLabel('Value', { exact: true }).fill('payments');
  });
  await step(page, 'creating', async () => {
    await page.getByRole('button', { name: 'Create data stream' }).click();
    await page.locator('#stream-status', { hasText: 'Creating' }).waitFor();
  });
  await step(page, 'active', async () => {
    await page.locator('#stream-status', { hasText: 'Active' }).waitFor();
    const d = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    assert.equal(d.OpenShardCount, 2);
    assert.equal(d.StreamModeDetails.StreamMode, 'PROVISIONED');
    const tags = await kinesis.send(new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'payments' }]);
  });

  // Records put through the SDK, all to the first shard.
  const records = [1, 2, 3].map((i) => ({ PartitionKey: `user-${i}`, ExplicitHashKey: '0', Data: new TextEncoder().encode(JSON.stringify({ order: i, item: 'widget' })) }));
  const put = await kinesis.send(new PutRecordsCommand({ StreamName: name, Records: records }));
  assert.equal(put.FailedRecordCount, 0);

  await step(page, 'data-viewer', async () => {
    await page.getByRole('link', { name: 'Data viewer' }).click();
    await page.getByLabel('Shard').selectOption('shardId-000000000000');
    await page.getByLabel('Starting position').selectOption('TRIM_HORIZON');
    await page.getByRole('button', { name: 'Get records' }).click();
    for (const r of records) await page.getByRole('cell', { name: r.PartitionKey, exact: true }).waitFor();
    await page.getByRole('cell', { name: put.Records[0].SequenceNumber }).waitFor();
    await page.getByText('{"order":2,"item":"widget"}').waitFor();
  });
  await step(page, 'data-viewer-json', async () => {
    await page.getByLabel('Show data as').selectOption('json');
    await page.locator('td.data', { hasText: '"order": 3,' }).waitFor();
  });
  await step(page, 'data-viewer-hex', async () => {
    await page.getByLabel('Show data as').selectOption('hex');
    await page.locator('td.data', { hasText: '000000  7b 22 6f 72' }).first().waitFor();
  });
  await step(page, 'data-viewer-at-sequence-number', async () => {
    await page.getByLabel('Starting position').selectOption('AT_SEQUENCE_NUMBER');
    await page.getByLabel('Sequence number').fill(put.Records[2].SequenceNumber);
    await page.getByLabel('Show data as').selectOption('text');
    await page.getByRole('button', { name: 'Get records' }).click();
    await page.getByText('1 record(s)').waitFor();
    await page.getByRole('cell', { name: 'user-3', exact: true }).waitFor();
  });
  await step(page, 'producer', async () => {
    await page.getByRole('link', { name: 'Producer' }).click();
    await page.getByLabel('Partition key').fill('from-console');
    await page.getByLabel('Data', { exact: true }).fill('hello from the console');
    await page.getByRole('button', { name: 'Put record' }).click();
    await page.getByText(/Record put in shardId-00000000000[01] with sequence number/).waitFor();
  });
  await step(page, 'monitoring', async () => {
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.locator('#chart-incoming-records').waitFor();
    const total = async (id) => +(await page.locator(`#chart-${id}`).getAttribute('data-total'));
    assert.equal(await total('incoming-records'), 4, 'incoming records: 3 from the SDK and 1 from the producer tab');
    assert.ok(await total('incoming-bytes') > 0, 'incoming bytes');
    assert.ok(await total('outgoing-records') >= 4, 'outgoing records (the data viewer read them)');
    await page.getByLabel('Time range').selectOption('1440');
    await page.locator('#chart-incoming-records').waitFor();
    assert.equal(await total('incoming-records'), 4);
  });
  await step(page, 'configuration-error-shown', async () => {
    await page.getByRole('link', { name: 'Configuration' }).click();
    // The API's own error, as it words it (the browser cannot check this).
    await page.getByLabel(/Number of open shards/).fill('100');
    await page.getByRole('button', { name: 'Save shard count' }).click();
    await page.getByText(/LimitExceededException: UpdateShardCount cannot scale stream console-stream .* up to more than double/).waitFor();
  });
  await step(page, 'configuration-retention', async () => {
    await page.getByLabel('Data retention period (hours)').fill('48');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Data retention period saved.').waitFor();
    const d = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    assert.equal(d.RetentionPeriodHours, 48);
    await page.locator('dd', { hasText: '48 hours' }).waitFor();
  });
  await step(page, 'configuration-encryption-record-size-tags', async () => {
    await page.getByLabel('Enable server-side encryption (KMS)').check();
    await page.getByRole('button', { name: 'Save encryption' }).click();
    await page.locator('dd', { hasText: 'Enabled (alias/aws/kinesis)' }).waitFor();
    await page.getByLabel('Maximum record size (KiB)').fill('2048');
    await page.getByRole('button', { name: 'Save record size' }).click();
    await page.locator('dd', { hasText: '2048 KiB' }).waitFor();
    await page.getByLabel('Key', { exact: true }).fill('env');
    await page.getByLabel('Value', { exact: true }).fill('test');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('cell', { name: 'env', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove tag team' }).click();
    await page.getByRole('cell', { name: 'payments' }).waitFor({ state: 'detached' });
    const tags = await kinesis.send(new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'test' }]);
  });
  await step(page, 'shards', async () => {
    await page.getByRole('link', { name: 'Shards' }).click();
    await page.getByRole('cell', { name: 'shardId-000000000001' }).waitFor();
    assert.equal(await page.getByRole('cell', { name: 'Open', exact: true }).count(), 2);
  });
  await step(page, 'fan-out', async () => {
    await page.getByRole('link', { name: 'Enhanced fan-out' }).click();
    await page.getByLabel('Consumer name').fill('console-consumer');
    await page.getByRole('button', { name: 'Register consumer' }).click();
    await page.getByRole('cell', { name: 'console-consumer', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Active', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Deregister console-consumer' }).click();
    await page.getByText('No consumers with enhanced fan-out.').waitFor();
  });
  await step(page, 'delete', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.locator('#confirm-delete');
    assert.ok(await confirm.isDisabled(), 'delete waits for the name');
    await page.getByLabel(/To confirm, type the data stream's name/).fill(name);
    await confirm.click();
    await page.getByRole('heading', { name: 'Data streams' }).waitFor();
    const gone = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })).then(
      (out) => out.StreamDescriptionSummary.StreamStatus === 'DELETING', (e) => e.name === 'ResourceNotFoundException');
    assert.ok(gone, 'the stream is deleting or gone');
  });
  await step(page, 'keyboard-create', async () => {
    // The create flow with the keyboard alone: Tab to the button, type the
    // name, arrow to Provisioned, Tab to the shard count, Enter.
    await page.goto(endpoint + '/#/streams');
    await page.getByRole('heading', { name: 'Data streams' }).waitFor();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement && document.activeElement.textContent === 'Create data stream')) break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Create data stream' }).waitFor();
    await page.keyboard.type('keyboard-stream');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.locator('#stream-status', { hasText: 'Active' }).waitFor();
    const d = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'keyboard-stream' }))).StreamDescriptionSummary;
    assert.equal(d.StreamModeDetails.StreamMode, 'PROVISIONED');
    assert.equal(d.OpenShardCount, 3);
  });
  await step(page, 'list-search', async () => {
    await page.getByRole('navigation', { name: 'Kinesis services' }).getByRole('link', { name: 'Data streams' }).click();
    await page.getByRole('link', { name: 'keyboard-stream' }).waitFor();
    await page.getByLabel('Find data streams').fill('nothing-like-this');
    await page.getByText('No data streams match.').waitFor();
    await page.getByLabel('Find data streams').fill('keyb');
    await page.getByRole('link', { name: 'keyboard-stream' }).waitFor();
    await page.getByRole('cell', { name: '3', exact: true }).waitFor(); // open shards
  });
}

async function signIn(page) {
  await step(page, 'sign-in-page', async () => {
    await page.goto(endpoint + '/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const res = await fetch(endpoint + '/console/api', { method: 'POST', headers: { 'X-Amz-Target': 'Kinesis_20131202.ListStreams', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' });
    assert.equal(res.status, 401, 'an API call without a session is refused');
  });
  await step(page, 'wrong-secret', async () => {
    await page.getByLabel('Access key ID').fill(key);
    await page.getByLabel('Secret access key').fill(secret + 'x');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The access key ID or secret access key is not valid.').waitFor();
  });
  await step(page, 'right-secret', async () => {
    await page.getByLabel('Secret access key').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Data streams' }).waitFor();
    await page.getByText(`${key} · account`).waitFor();
    await page.getByText('No data streams yet.').waitFor();
  });
  await step(page, 'no-csrf-refused', async () => {
    const status = await page.evaluate(async () => (await fetch('/console/api', { method: 'POST', headers: { 'X-Amz-Target': 'Kinesis_20131202.ListStreams', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' })).status);
    assert.equal(status, 403, 'a request with the cookie but without the CSRF token is refused');
  });
  await step(page, 'sign-out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
}

async function walkFirehose(page) {
  const name = 'console-fh';
  await step(page, 'firehose-list', async () => {
    await page.goto(endpoint + '/');
    await page.getByRole('link', { name: 'Amazon Data Firehose' }).click();
    await page.getByRole('heading', { name: 'Firehose streams' }).waitFor();
    await page.getByText('No Firehose streams yet.').waitFor();
  });
  await step(page, 'firehose-create', async () => {
    await page.getByRole('button', { name: 'Create Firehose stream' }).click();
    await page.getByRole('heading', { name: 'Create Firehose stream' }).waitFor();
    const unlabelled = await page.$$eval('main input, main select, main textarea',
      (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabelled, [], 'every control on the create page is labelled');
    await page.getByLabel('Source', { exact: true }).selectOption('DirectPut');
    await page.getByLabel('Firehose stream name').fill('bad name');
    await page.getByText('1 to 64 characters').waitFor();
    await page.getByLabel('Firehose stream name').fill(name);
    await page.getByLabel('S3 bucket', { exact: true }).fill('console-bucket');
    await page.getByLabel('Buffer interval (seconds)').fill('0');
    await page.getByLabel('Compression for data records').selectOption('UNCOMPRESSED');
    await page.getByRole('button', { name: 'Create Firehose stream' }).click();
    await page.locator('#firehose-status', { hasText: 'Creating' }).waitFor();
  });
  await step(page, 'firehose-active', async () => {
    await page.locator('#firehose-status', { hasText: 'Active' }).waitFor();
    await page.locator('dd', { hasText: 'Amazon S3 bucket console-bucket' }).waitFor();
  });
  await step(page, 'firehose-failures', async () => {
    // The Go test logs one delivery error once the stream is active.
    await page.locator('#fh-failures td', { hasText: 'S3.NoSuchBucket' }).waitFor();
    await page.locator('#fh-failures td', { hasText: 'The specified bucket does not exist.' }).waitFor();
  });
  await step(page, 'firehose-send', async () => {
    await page.getByLabel('Record data').fill('hello from the firehose console\n');
    await page.getByRole('button', { name: 'Send test record' }).click();
    await page.getByText('Record sent:').waitFor();
  });
  await step(page, 'firehose-objects', async () => {
    const view = page.getByRole('button', { name: new RegExp(`^View \\d{4}/\\d\\d/\\d\\d/\\d\\d/${name}-1-`) });
    await view.waitFor();
    await view.click();
    await page.locator('#object-view', { hasText: 'hello from the firehose console' }).waitFor();
    await page.getByLabel('Show as').selectOption('hex');
    await page.locator('#object-view', { hasText: '68 65 6c 6c 6f' }).waitFor();
  });
  await step(page, 'firehose-monitoring', async () => {
    await page.reload();
    await page.locator('#chart-fh-delivered-records').waitFor();
    const total = async (id) => +(await page.locator(`#chart-${id}`).getAttribute('data-total'));
    assert.equal(await total('fh-incoming-records'), 1);
    assert.equal(await total('fh-delivered-records'), 1);
    assert.ok(await total('fh-delivered-bytes') > 0);
  });
  await step(page, 'firehose-delete', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByLabel(/To confirm, type the Firehose stream's name/).fill(name);
    await page.locator('#confirm-delete').click();
    await page.getByRole('heading', { name: 'Firehose streams' }).waitFor();
    await page.getByText('No Firehose streams yet.').waitFor();
  });
}

// walkFirehoseDestinations creates a Firehose stream of every destination
// kind through the create form: an HTTP endpoint (a record sent from the
// page reaches it), Amazon S3 with dynamic partitioning and a jq query,
// S3 with Parquet conversion and the CloudWatch Logs processors, then
// OpenSearch, OpenSearch Serverless, Elasticsearch, Splunk, Redshift,
// Snowflake and Iceberg; each stream's page shows its destination's
// description. internal/console/browser_e2e_test.go checks the streams
// through the SDK for Go.
async function walkFirehoseDestinations(page) {
  const by = (label, scope = 'main') => page.locator(scope).getByLabel(label, { exact: true });
  const settings = page.locator('#fh-destination-settings');
  const setting = (name, value) => settings.locator('div', { has: page.locator('dt', { hasText: name }) })
    .locator('dd', { hasText: value }).first().waitFor();
  const open = async (name, destination) => {
    await page.goto(endpoint + '/#/firehose/create');
    await page.getByRole('heading', { name: 'Create Firehose stream' }).waitFor();
    await by('Destination').selectOption(destination);
    await by('Firehose stream name').fill(name);
  };
  const create = async () => {
    await page.getByRole('button', { name: 'Create Firehose stream' }).click();
    await page.locator('#firehose-status', { hasText: 'Active' }).waitFor();
  };
  const refused = async (text) => {
    await page.getByRole('button', { name: 'Create Firehose stream' }).click();
    await page.getByRole('alert').filter({ hasText: text }).waitFor();
  };

  await step(page, 'fh-dest-chooser', async () => {
    await page.goto(endpoint + '/#/firehose/create');
    await page.getByRole('heading', { name: 'Create Firehose stream' }).waitFor();
    const unlabelled = await page.$$eval('main input, main select, main textarea',
      (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabelled, [], 'every control on the create page is labelled');
    const kinds = await by('Destination').locator('option').allTextContents();
    assert.deepEqual(kinds, ['Amazon S3', 'HTTP Endpoint', 'Amazon OpenSearch Service', 'Amazon OpenSearch Serverless',
      'Elasticsearch (legacy Amazon Elasticsearch Service)', 'Splunk', 'Amazon Redshift', 'Snowflake', 'Apache Iceberg Tables']);
    // ORC is offered, disabled, with the reason.
    await by('Turn on record format conversion').check();
    assert.ok(await page.locator('#fh-convert-format option[value=ORC]').isDisabled(), 'ORC cannot be chosen');
    await page.getByText('Apache ORC is not available in Sluice: no maintained Go ORC writer exists').waitFor();
    await by('Turn on record format conversion').uncheck();
    // Each destination brings its own fields and buffering range.
    await by('Destination').selectOption('Splunk');
    assert.ok(await by('S3 bucket').isHidden());
    await by('Splunk cluster endpoint').waitFor();
    assert.equal(await by('Buffer size (MiB)').getAttribute('max'), '5');
    assert.equal(await by('Buffer interval (seconds)').inputValue(), '60');
    assert.equal(await by('Retry duration (seconds)').inputValue(), '3600');
    await page.getByText('Buffer interval: 0 to 60 seconds').waitFor();
  });

  await step(page, 'fh-dest-http', async () => {
    await open('console-http', 'HttpEndpoint');
    assert.equal(await by('Buffer size (MiB)').getAttribute('max'), '64');
    await by('HTTP endpoint URL').fill('http://collector.example/ingest');
    await refused('Enter the HTTP endpoint URL as an https:// URL');
    await by('HTTP endpoint URL').fill(process.env.HTTP_ENDPOINT);
    await by('HTTP endpoint name - optional').fill('collector');
    await by('Access key - optional').fill('key-123');
    await by('Content encoding').selectOption('GZIP');
    await page.getByRole('button', { name: 'Add parameter' }).click();
    await by('Parameter key 1').fill('env');
    await by('Parameter value 1').fill('test');
    await by('Buffer size (MiB)').fill('1');
    await by('Buffer interval (seconds)').fill('0');
    await by('Retry duration (seconds)').fill('60');
    await by('S3 backup mode').selectOption('AllData');
    await by('S3 backup bucket').fill('console-backup');
    await create();
    await page.locator('dd', { hasText: `HTTP Endpoint collector (${process.env.HTTP_ENDPOINT})` }).waitFor();
    await page.getByRole('heading', { name: 'Destination settings: HTTP Endpoint' }).waitFor();
    await setting('URL', process.env.HTTP_ENDPOINT);
    await setting('Content encoding', 'GZIP');
    await setting('Common attributes', 'env: test');
    await setting('S3 backup mode', 'AllData');
    await setting('Bucket ARN', 'arn:aws:s3:::console-backup');
    assert.equal(await settings.getByText('key-123').count(), 0, 'the access key is never shown');
    await page.getByRole('heading', { name: 'Objects in the S3 backup bucket console-backup' }).waitFor();
    await page.getByText('Delivery to HTTP Endpoint - records (Count)').waitFor();
    // Zero buffering: the record is delivered at once (the Go test checks
    // what the endpoint received).
    await page.getByLabel('Record data').fill('{"hello":"http endpoint"}');
    await page.getByRole('button', { name: 'Send test record' }).click();
    await page.getByText('Record sent:').waitFor();
  });

  await step(page, 'fh-dest-list', async () => {
    await page.goto(endpoint + '/#/firehose');
    await page.getByRole('row', { name: /console-http .* HTTP Endpoint/ }).waitFor();
  });

  await step(page, 'fh-dest-s3-dynamic-partitioning', async () => {
    await open('console-dp', 'S3');
    await by('S3 bucket').fill('console-lake');
    await by('Turn on dynamic partitioning').check();
    assert.equal(await by('Buffer size (MiB)').inputValue(), '128', 'dynamic partitioning buffers 64 to 128 MiB');
    assert.equal(await by('Buffer size (MiB)').getAttribute('min'), '64');
    await by('Multi record deaggregation').check();
    await by('Multi record deaggregation type').selectOption('JSON');
    await by('New line delimiter: add a new line after each record').check();
    await by('Inline parsing for JSON (jq)').check();
    await page.getByRole('button', { name: 'Add dynamic partitioning key' }).click();
    await by('Key name 1').fill('customer');
    await by('JQ expression 1').fill('.customer_id');
    await page.getByRole('button', { name: 'Add dynamic partitioning key' }).click();
    await by('Key name 2').fill('device');
    await by('JQ expression 2').fill('.device.type');
    assert.equal(await page.locator('#fh-jq-query').textContent(), '{customer: .customer_id, device: .device.type}');
    await page.getByRole('button', { name: 'Apply dynamic partitioning keys' }).click();
    assert.equal(await by('S3 bucket prefix - optional').inputValue(), 'customer=!{partitionKeyFromQuery:customer}/device=!{partitionKeyFromQuery:device}/');
    await refused('Enter an S3 bucket error output prefix: dynamic partitioning requires one.');
    await by('S3 bucket error output prefix - optional').fill('errors/!{firehose:error-output-type}/');
    await by('Buffer interval (seconds)').fill('60');
  });
  await step(page, 'fh-dest-s3-dynamic-partitioning-created', async () => {
    await create();
    await page.locator('dd', { hasText: 'Amazon S3 bucket console-lake' }).first().waitFor();
    await setting('Dynamic partitioning configuration', 'Yes');
    await setting('Processing configuration', 'MetadataExtractionQuery: {customer: .customer_id, device: .device.type}');
    await setting('Processing configuration', 'SubRecordType: JSON');
    await setting('Processing configuration', 'AppendDelimiterToRecord');
    await setting('Error output prefix', 'errors/!{firehose:error-output-type}/');
  });

  await step(page, 'fh-dest-s3-parquet', async () => {
    await open('console-parquet', 'S3');
    await by('S3 bucket').fill('console-lake');
    await by('Turn on decompression (GZIP)').check();
    await by('Turn on message extraction').check();
    await by('Turn on record format conversion').check();
    assert.ok(await by('Compression for data records').isDisabled(), 'the serializer compresses');
    await by('AWS Glue database').fill('db');
    await by('AWS Glue table').fill('nope');
    await by('Input format (deserializer)').selectOption('OpenX');
    await by('Parquet compression').selectOption('GZIP');
    // The API's own refusal.
    await refused("The Glue table db.nope is not in the server's --glue-tables file.");
    await by('AWS Glue table').fill('events');
  });
  await step(page, 'fh-dest-s3-parquet-created', async () => {
    await create();
    await setting('Data format conversion configuration', 'events');
    await setting('Compression', 'GZIP');
    await setting('Processing configuration', 'DataMessageExtraction: true');
  });

  await step(page, 'fh-dest-opensearch', async () => {
    await open('console-opensearch', 'OpenSearch');
    await by('Cluster endpoint').fill('https://search.example:9200');
    await by('Index').fill('logs');
    await by('Index rotation').selectOption('OneHour');
    await by('Document ID').selectOption('NO_DOCUMENT_ID');
    await by('S3 backup bucket').fill('console-backup');
    await create();
    await page.locator('dd', { hasText: 'Amazon OpenSearch Service index logs at search.example:9200' }).waitFor();
    await setting('Index rotation period', 'OneHour');
    await setting('Default document ID format', 'NO_DOCUMENT_ID');
  });

  await step(page, 'fh-dest-serverless', async () => {
    await open('console-aoss', 'OpenSearchServerless');
    await by('Collection endpoint').fill('https://collection.aoss.example');
    assert.ok(await by('Index rotation').isHidden(), 'Serverless has no index rotation');
    await by('Index').fill('events');
    await by('S3 backup bucket').fill('console-backup');
    await create();
    await setting('Collection endpoint', 'https://collection.aoss.example');
  });

  await step(page, 'fh-dest-elasticsearch', async () => {
    await open('console-es', 'Elasticsearch');
    await by('Cluster endpoint').fill('https://es.example:9200');
    await by('Index').fill('legacy');
    await by('Type - optional').fill('_doc');
    await by('S3 backup bucket').fill('console-backup');
    await create();
    await setting('Type name', '_doc');
  });

  await step(page, 'fh-dest-splunk', async () => {
    await open('console-splunk', 'Splunk');
    await by('Splunk cluster endpoint').fill('https://splunk.example:8088');
    await by('Splunk endpoint type').selectOption('Event');
    await by('Authentication token').fill('00000000-0000-0000-0000-000000000000');
    await by('HEC acknowledgement timeout (seconds)').fill('100');
    await refused('HEC acknowledgement timeout (seconds): enter a whole number from 180 to 600.');
    await by('HEC acknowledgement timeout (seconds)').fill('300');
    await by('S3 backup mode').selectOption('AllEvents');
    await by('S3 backup bucket').fill('console-backup');
    await create();
    await setting('HEC acknowledgment timeout (seconds)', '300');
    await setting('HEC endpoint type', 'Event');
    assert.equal(await settings.getByText('00000000-0000').count(), 0, 'the token is never shown');
  });

  await step(page, 'fh-dest-redshift', async () => {
    await open('console-redshift', 'Redshift');
    await by('Cluster JDBC URL').fill('jdbc:redshift://dev.redshift.localhost:5432/postgres');
    await by('User name').fill('loader');
    await by('Password').fill('secret-password');
    await by('Table', '#fh-redshift').fill('orders');
    await by('Columns - optional').fill('id,item,price');
    await by('COPY command options - optional').fill("JSON 'auto'");
    await by('Intermediate S3 bucket').fill('console-staging');
    await by('Compression for the intermediate objects').selectOption('GZIP');
    await create();
    await page.locator('dd', { hasText: 'Amazon Redshift table orders' }).waitFor();
    await setting('Copy options', "JSON 'auto'");
    await setting('Intermediate S3 bucket', 'arn:aws:s3:::console-staging');
    await page.getByRole('heading', { name: 'Objects in the intermediate S3 bucket console-staging' }).waitFor();
  });

  await step(page, 'fh-dest-snowflake', async () => {
    await open('console-snowflake', 'Snowflake');
    await by('Snowflake account URL').fill('https://xy12345.us-east-1.snowflakecomputing.com');
    await by('User').fill('LOADER');
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(9);
    await by('Private key').fill(`-----BEGIN PRIVATE KEY-----\n${body.slice(0, 64)}\n${body.slice(64)}\n-----END PRIVATE KEY-----\n`);
    await by('Database', '#fh-snowflake').fill('DB');
    await by('Schema').fill('PUBLIC');
    await by('Table', '#fh-snowflake').fill('EVENTS');
    await by('Data loading options').selectOption('VARIANT_CONTENT_MAPPING');
    await by('Content column name').fill('RECORD');
    await by('S3 backup bucket').fill('console-stage');
    await create();
    await page.locator('dd', { hasText: 'Snowflake table DB.PUBLIC.EVENTS' }).waitFor();
    await setting('Data loading option', 'VARIANT_CONTENT_MAPPING');
    await setting('Content column name', 'RECORD');
  });

  await step(page, 'fh-dest-iceberg', async () => {
    await open('console-iceberg', 'Iceberg');
    assert.equal(await by('Catalog ARN').inputValue(), 'arn:aws:glue:us-east-1:000000000000:catalog');
    await by('Database', '#fh-iceberg').fill('lake');
    await by('Table', '#fh-iceberg').fill('events');
    await by('S3 backup bucket').fill('console-stage');
    await create();
    await page.locator('dd', { hasText: 'Apache Iceberg Tables lake.events' }).waitFor();
    await setting('Destination table configuration list', 'events');
  });
}
