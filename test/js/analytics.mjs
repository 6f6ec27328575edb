// analytics.mjs walks the Data Analytics pages of Sluice's console in
// headless Chromium (Debian's) with playwright-core: create an application
// with the developer guide's continuous filter, see a validation error at
// its line and fix it, discover the source's schema from records put in
// the stream and edit it, add a destination and reference data, run it,
// and delete another application from the list. Driven by
// internal/console/analytics_browser_e2e_test.go, which checks the result
// through the AWS SDK for Go.
//
// Environment: SLUICE_ENDPOINT, CHROMIUM, SCREENSHOTS (as console.mjs).
// It prints "ok" and exits 0 when every step passed.
import { chromium } from 'playwright-core';
import { KinesisClient, CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import assert from 'node:assert/strict';
import path from 'node:path';

const endpoint = process.env.SLUICE_ENDPOINT;
const shots = process.env.SCREENSHOTS;
const kinesis = new KinesisClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDCONSOLETEST', secretAccessKey: 'secret' }, maxAttempts: 1 });

const app = 'console-kda';
const source = 'console-kda-source';
const out = 'console-kda-out';

// The continuous filter of the developer guide (app-simple-alerts.md).
const FILTER = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM"
           (ticker_symbol VARCHAR(4), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ticker_symbol, sector, change, price
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  (ABS(Change / (Price - Change)) * 100) > 1;`;

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

// kaCall makes a Data Analytics call with the page's console session.
function kaCall(page, op, body) {
  return page.evaluate(async ([op, body]) => {
    const s = await (await fetch('/console/session')).json();
    const res = await fetch('/console/api', {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'KinesisAnalytics_20150814.' + op, 'X-Sluice-Csrf': s.csrf },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${op}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }, [op, body]);
}

// Records as the guide's demo stock ticker stream sends them.
function tickers(rows) {
  return rows.map(([sym, sector, change, price], i) => ({
    PartitionKey: `p${i}`,
    Data: new TextEncoder().encode(JSON.stringify({ TICKER_SYMBOL: sym, SECTOR: sector, CHANGE: change, PRICE: price })),
  }));
}

async function labelled(page) {
  const unlabelled = await page.$$eval('main input, main select, main textarea',
    (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML));
  assert.deepEqual(unlabelled, [], 'every control is labelled');
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  await walk(page);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('ok');

async function walk(page) {
  await kinesis.send(new CreateStreamCommand({ StreamName: source, ShardCount: 1 }));
  await kinesis.send(new CreateStreamCommand({ StreamName: out, ShardCount: 1 }));
  const put = await kinesis.send(new PutRecordsCommand({ StreamName: source, Records: tickers([
    ['AMZN', 'TECH', 5.5, 120.25], ['XYZ', 'RETAIL', 0.01, 84.5], ['QXZ', 'HEALTHCARE', -3.2, 42.75],
  ]) }));
  assert.equal(put.FailedRecordCount, 0);

  await step(page, 'list-empty', async () => {
    await page.goto(endpoint + '/');
    await page.getByRole('link', { name: 'Data Analytics (SQL applications)' }).click();
    await page.getByRole('heading', { name: 'Data Analytics applications' }).waitFor();
    await page.getByText('No applications yet.').waitFor();
  });
  await step(page, 'create-page', async () => {
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { name: 'Create application' }).waitFor();
    await labelled(page);
    await page.getByLabel('Application name').fill('bad name');
    await page.getByText('Use 1 to 128 letters').waitFor();
    await page.getByLabel('Application name').fill(app);
    await page.getByLabel('Description - optional').fill('The guide\'s continuous filter');
    await page.getByRole('button', { name: 'Add new tag' }).click();
    await page.getByLabel('Key', { exact: true }).fill('team');
    await page.getByLabel('Value', { exact: true }).fill('analytics');
  });
  await step(page, 'create-code-error-at-its-line', async () => {
    // FORM for FROM on line 6: the parser takes FORM as price's alias and
    // stops at the stream's name.
    await page.getByLabel('Application code (SQL) - optional').fill(FILTER.replace('FROM   "SOURCE', 'FORM   "SOURCE'));
    await page.getByRole('button', { name: 'Create application' }).click();
    const band = page.locator('#ka-create-code-error-line');
    await band.waitFor();
    assert.equal(await band.getAttribute('data-line'), '6');
    await page.locator('#ka-create-code-error-note', { hasText: /^Encountered "\\"SOURCE_SQL_STREAM_001\\"" at line 6, column 14\./ }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'CodeValidationException: Encountered' }).waitFor();
    // The caret is on the line, and the editor reports itself invalid.
    const caretLine = await page.$eval('#ka-create-code', (t) => t.value.slice(0, t.selectionStart).split('\n').length);
    assert.equal(caretLine, 6);
    assert.equal(await page.getAttribute('#ka-create-code', 'aria-invalid'), 'true');
    // The band sits on line 6 of the textarea (20 px lines, 6 px padding).
    const [bandBox, areaBox] = [await band.boundingBox(), await page.locator('#ka-create-code').boundingBox()];
    const scrolled = await page.$eval('#ka-create-code', (t) => t.scrollTop);
    assert.ok(Math.abs(bandBox.y - (areaBox.y + 6 + 5 * 20 - scrolled)) <= 2, `band at ${bandBox.y}, textarea at ${areaBox.y}, scrolled ${scrolled}`);
  });
  await step(page, 'create-fixed', async () => {
    await page.getByLabel('Application code (SQL) - optional').fill(FILTER);
    assert.ok(await page.locator('#ka-create-code-error-line').isHidden(), 'editing clears the mark');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { name: app }).waitFor();
    await page.locator('#analytics-status', { hasText: 'Ready' }).waitFor();
    await page.locator('dd', { hasText: 'The guide\'s continuous filter' }).waitFor();
    await page.getByRole('cell', { name: 'analytics', exact: true }).waitFor(); // the tag
  });
  await step(page, 'source-discover', async () => {
    await page.getByRole('heading', { name: 'Connect streaming data' }).waitFor();
    await labelled(page);
    await page.getByLabel('Source', { exact: true }).selectOption('KinesisStreams');
    await page.getByLabel('Source stream').selectOption({ label: source });
    await page.locator('#ka-discover-position').selectOption('TRIM_HORIZON');
    await page.getByRole('button', { name: 'Discover schema' }).first().click();
    await page.getByText('Schema discovered from 3 record(s)').waitFor();
    const samples = page.locator('#ka-input-samples');
    await samples.getByRole('columnheader', { name: 'TICKER_SYMBOL' }).waitFor();
    await samples.getByRole('cell', { name: 'HEALTHCARE' }).waitFor();
    await samples.getByRole('cell', { name: '120.25' }).waitFor();
    const schema = page.locator('#ka-input-schema');
    assert.equal(await schema.getByLabel('Record format').inputValue(), 'JSON');
    assert.equal(await schema.getByLabel('Column 1 name').inputValue(), 'TICKER_SYMBOL');
    assert.equal(await schema.getByLabel('Column 1 mapping').inputValue(), '$.TICKER_SYMBOL');
    assert.equal(await schema.getByLabel('Column 2 name').inputValue(), 'SECTOR');
  });
  await step(page, 'source-edit-columns-and-save', async () => {
    const schema = page.locator('#ka-input-schema');
    // SECTOR was inferred from the samples; the code's stream has room for 12.
    await schema.getByLabel('Column 2 SQL type').fill('VARCHAR(12)');
    await page.getByRole('button', { name: 'Save source' }).click();
    await page.getByRole('heading', { name: 'Source' }).waitFor();
    await page.locator('dd', { hasText: `Kinesis data stream ${source}` }).waitFor();
    await page.locator('dd', { hasText: 'SOURCE_SQL_STREAM_001' }).waitFor();
    await page.getByRole('table', { name: 'Source columns' }).getByRole('cell', { name: 'VARCHAR(12)' }).waitFor();
  });
  await step(page, 'destination', async () => {
    await page.getByLabel('In-application stream name').fill('DESTINATION_SQL_STREAM');
    await page.getByLabel('Destination', { exact: true }).selectOption('KinesisStreams');
    await page.getByLabel('Destination stream').selectOption({ label: out });
    await page.getByLabel('Output format').selectOption('JSON');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await page.getByRole('table', { name: 'Destinations' }).getByRole('cell', { name: `Kinesis data stream ${out}`, exact: true }).waitFor();
  });
  await step(page, 'destination-add-and-remove', async () => {
    await page.getByLabel('In-application stream name').fill('error_stream');
    await page.getByLabel('Destination stream').selectOption({ label: out });
    await page.getByLabel('Output format').selectOption('CSV');
    await page.getByRole('button', { name: 'Add destination' }).click();
    const table = page.getByRole('table', { name: 'Destinations' });
    await table.getByRole('cell', { name: 'error_stream', exact: true }).waitFor();
    await table.getByRole('cell', { name: 'CSV', exact: true }).waitFor();
    await page.getByRole('button', { name: `Remove destination error_stream to Kinesis data stream ${out}` }).click();
    await table.getByRole('cell', { name: 'error_stream', exact: true }).waitFor({ state: 'detached' });
    await table.getByRole('cell', { name: 'DESTINATION_SQL_STREAM', exact: true }).waitFor();
  });
  await step(page, 'reference-data', async () => {
    await page.getByLabel('S3 bucket').fill('console-ref');
    await page.getByLabel('S3 bucket').press('Tab');
    await page.getByLabel('Object key').fill('companies.csv');
    await page.getByLabel('In-application reference table name').fill('CompanyName');
    await page.getByRole('button', { name: 'Discover schema' }).click();
    const schema = page.locator('#ka-ref-schema');
    await page.locator('#ka-ref-samples').getByRole('cell', { name: 'Amazon' }).waitFor();
    assert.equal(await schema.getByLabel('Record format').inputValue(), 'CSV');
    await schema.getByLabel('Column 1 name').fill('Ticker');
    await schema.getByLabel('Column 2 name').fill('Company');
    await page.getByRole('button', { name: 'Add reference data' }).click();
    await page.getByRole('table', { name: 'Reference data' }).getByRole('cell', { name: 's3://console-ref/companies.csv' }).waitFor();
  });
  await step(page, 'source-edit', async () => {
    // UpdateApplication's InputUpdates: two in-application streams now.
    await page.getByRole('button', { name: 'Edit source' }).click();
    await page.getByRole('heading', { name: 'Edit source' }).waitFor();
    const schema = page.locator('#ka-input-schema');
    assert.equal(await schema.getByLabel('Column 2 SQL type').inputValue(), 'VARCHAR(12)', 'the saved schema is edited');
    await page.getByLabel('Input parallelism').fill('2');
    await page.getByText('The code reads SOURCE_SQL_STREAM_001 … SOURCE_SQL_STREAM_002.').waitFor();
    await page.getByRole('button', { name: 'Save source' }).click();
    await page.locator('dd', { hasText: 'SOURCE_SQL_STREAM_001, SOURCE_SQL_STREAM_002' }).waitFor();
  });
  await step(page, 'sql-editor-semantic-error', async () => {
    await page.getByRole('link', { name: 'SQL editor' }).click();
    await page.locator('#ka-in-app', { hasText: 'SOURCE_SQL_STREAM_001' }).waitFor();
    await page.locator('#ka-in-app', { hasText: 'CompanyName' }).waitFor();
    const code = page.getByLabel('Application code (SQL)', { exact: true });
    assert.equal(await code.inputValue(), FILTER);
    // A column the source does not have, on line 5.
    await code.fill(FILTER.replace('sector, change, price\n', 'sector, change, prize\n'));
    await page.getByRole('button', { name: 'Save SQL' }).click();
    await page.locator('#ka-code-error-note', { hasText: "At line 5, column 52: Column 'PRIZE' not found" }).waitFor();
    assert.equal(await page.locator('#ka-code-error-line').getAttribute('data-line'), '5');
  });
  await step(page, 'sql-editor-saved', async () => {
    await page.getByLabel('Application code (SQL)', { exact: true }).fill(FILTER + '\n');
    await page.getByRole('button', { name: 'Save SQL' }).click();
    await page.getByText(/^Saved as version \d+/).waitFor();
    assert.ok(await page.locator('#ka-code-error-line').isHidden());
  });
  await step(page, 'run-dialog', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('heading', { name: `Run ${app}?` }).waitFor();
    await page.getByLabel('Trim horizon').check();
  });
  await step(page, 'run-answer', async () => {
    await page.locator('#ka-run-confirm').click();
    await page.locator('#analytics-status', { hasText: 'Running' }).waitFor();
    assert.ok(await page.locator('#ka-stop').isEnabled(), 'Stop stops a running application');
  });
  await step(page, 'live-view', async () => {
    // The application reads the three records from the trim horizon: the
    // source stream shows them all, the destination the two the filter
    // passes (AMZN and QXZ moved by more than 1%).
    await page.getByRole('link', { name: 'Real-time analytics' }).click();
    const src = page.getByRole('table', { name: 'Rows of SOURCE_SQL_STREAM_001' });
    await src.getByRole('cell', { name: 'XYZ', exact: true }).waitFor();
    await src.getByRole('columnheader', { name: 'ROWTIME' }).waitFor();
    await src.getByRole('columnheader', { name: 'SHARD_ID' }).waitFor();
    const dest = page.getByRole('table', { name: 'Rows of DESTINATION_SQL_STREAM' });
    await dest.getByRole('cell', { name: 'AMZN', exact: true }).waitFor();
    await dest.getByRole('cell', { name: 'QXZ', exact: true }).waitFor();
    assert.equal(await dest.getByRole('cell', { name: 'XYZ', exact: true }).count(), 0, 'the filter drops XYZ');
    await page.getByRole('table', { name: 'Rows of error_stream' }).getByText('No rows yet.').waitFor();
  });
  await step(page, 'live-rows-as-records-arrive', async () => {
    // Records put while the page shows the streams appear by themselves:
    // one the filter passes, and one that is not JSON (an error_stream row).
    const more = await kinesis.send(new PutRecordsCommand({ StreamName: source, Records: [
      ...tickers([['NEWT', 'ENERGY', 2.5, 50.5]]),
      { PartitionKey: 'bad', Data: new TextEncoder().encode('this is not JSON') },
    ] }));
    assert.equal(more.FailedRecordCount, 0);
    const dest = page.getByRole('table', { name: 'Rows of DESTINATION_SQL_STREAM' });
    await dest.getByRole('cell', { name: 'NEWT', exact: true }).waitFor();
    assert.equal(await dest.locator('tbody tr').first().locator('td').nth(1).textContent(), 'NEWT', 'the newest row first');
    const errors = page.getByRole('table', { name: 'Rows of error_stream' });
    await errors.getByRole('cell', { name: 'RECORD_PARSE_ERROR', exact: true }).waitFor();
    await errors.getByRole('cell', { name: Buffer.from('this is not JSON').toString('hex'), exact: true }).waitFor(); // DATA_ROW
    await page.locator('section[aria-label="DESTINATION_SQL_STREAM"]', { hasText: '3 row(s) since the start' }).waitFor();
  });
  await step(page, 'live-pause', async () => {
    await page.getByLabel('Pause').check();
    await kinesis.send(new PutRecordsCommand({ StreamName: source, Records: tickers([['PAWS', 'TECH', 9, 90]]) }));
    await page.waitForTimeout(2500); // more than the view's refresh
    assert.equal(await page.getByRole('cell', { name: 'PAWS', exact: true }).count(), 0, 'a paused view stays as it was');
    await page.getByLabel('Pause').uncheck();
    await page.getByRole('table', { name: 'Rows of DESTINATION_SQL_STREAM' }).getByRole('cell', { name: 'PAWS', exact: true }).waitFor();
  });
  await step(page, 'stop', async () => {
    await page.locator('#ka-stop').click();
    await page.locator('#analytics-status', { hasText: 'Ready' }).waitFor();
    await page.getByText('The application is not running').waitFor();
  });
  await step(page, 'list-and-delete', async () => {
    await kaCall(page, 'CreateApplication', { ApplicationName: 'console-kda-scratch' });
    await page.getByRole('navigation', { name: 'Kinesis services' }).getByRole('link', { name: 'Data Analytics (SQL applications)' }).click();
    await page.getByRole('link', { name: 'console-kda-scratch' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: app, exact: true }) });
    await row.getByRole('cell', { name: 'SQL-1_0' }).waitFor();
    await row.getByRole('cell', { name: 'Ready' }).waitFor();
    await page.getByLabel('Find applications').fill('scratch');
    await page.getByRole('link', { name: app, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete console-kda-scratch' }).click();
    assert.ok(await page.locator('#confirm-delete').isDisabled(), 'delete waits for the name');
    await page.getByLabel(/To confirm, type the application's name/).fill('console-kda-scratch');
    await page.locator('#confirm-delete').click();
    await page.getByText('No applications match.').waitFor();
    await page.getByLabel('Find applications').fill('');
    await page.getByRole('link', { name: app, exact: true }).waitFor();
  });
}
