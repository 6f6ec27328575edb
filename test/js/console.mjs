// console.mjs walks Sluice's web console in headless Chromium (Debian's,
// never a downloaded one) with playwright-core, and checks what it does with
// the AWS SDK for JavaScript. Driven by internal/console/browser_e2e_test.go.
//
// Environment: SLUICE_ENDPOINT (http://127.0.0.1:port), SLUICE_MODE (open or
// sigv4), SLUICE_KEY and SLUICE_SECRET (sigv4: a key in the server's
// credentials file), CHROMIUM (the browser's path), SCREENSHOTS (a folder
// for one screenshot per step). It prints "ok" and exits 0 when every step
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
    await page.getByLabel('Source').selectOption('DirectPut');
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
