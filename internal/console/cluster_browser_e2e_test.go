package console_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/awsclient"
	"sluice/internal/config"
	"sluice/internal/server"
	"sluice/internal/testserver/clusterserver"
)

// TestBrowserCluster walks the Cluster page in Chromium against a real
// cluster of two nodes in this process (etcd and versitygw): a stream is
// created through the SDK; the console, opened on the follower (which
// forwards to the owner), signs in with an access key, offers Cluster in
// its navigation, and shows the owner and its lease, both nodes with
// their roles, and the stream's placement; a stream created meanwhile
// appears at the next refresh, placed on the other node (which runs fewer
// shards), and its name leads to its page.
func TestBrowserCluster(t *testing.T) {
	browserTools(t)
	creds := filepath.Join(t.TempDir(), "credentials.json")
	os.WriteFile(creds, []byte(`{"keys":[{"accessKeyId":"AKIDCONSOLE","secretAccessKey":"right-secret","accountId":"111122223333"}]}`), 0o600)
	cfg := config.Defaults()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.CreateDelay, cfg.DeleteDelay, cfg.UpdateDelay = 0, 0, 0
	cfg.Limits = config.LimitsOff
	cfg.Auth, cfg.Credentials = config.AuthSigV4, creds
	c := clusterserver.Start(t, 2, server.Options{Config: cfg})

	type node struct {
		ID    string `json:"id"`
		URL   string `json:"url"`
		Owner bool   `json:"owner"`
	}
	var nodes []node
	follower := ""
	for i, n := range c.Nodes {
		owner := n.Server() != nil
		nodes = append(nodes, node{n.ID(), c.URLs[i], owner})
		if !owner {
			follower = c.URLs[i]
		}
	}

	kc := kinesis.NewFromConfig(aws.Config{
		Region:       cfg.Region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDCONSOLE", "right-secret", ""),
		BaseEndpoint: aws.String(follower),
		HTTPClient:   &http.Client{Timeout: 30 * time.Second, Transport: awsclient.Transport(http.DefaultTransport)},
	})
	if _, err := kc.CreateStream(t.Context(), &kinesis.CreateStreamInput{StreamName: aws.String("cluster-orders"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		d, err := kc.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("cluster-orders")})
		if err == nil && d.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream is not active after 15 s: %v", err)
		}
	}

	list, _ := json.Marshal(nodes)
	runInlineBrowserScript(t, clusterScript, follower, "cluster", "SLUICE_KEY=AKIDCONSOLE", "SLUICE_SECRET=right-secret",
		"SLUICE_REGION="+cfg.Region, "SLUICE_NODES="+string(list), "SLUICE_STREAM=cluster-orders")
}

// runInlineBrowserScript runs source, an ES module, with node in test/js
// (its imports resolve there: playwright-core, the AWS SDK), as
// runBrowserScript runs a script file of test/js.
func runInlineBrowserScript(t *testing.T, source, url, mode string, env ...string) {
	node, chromium, dir := browserTools(t)
	shots := filepath.Join(dir, "..", "output", "console-"+mode)
	os.RemoveAll(shots)
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, "--input-type=module", "--eval", source)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"SLUICE_ENDPOINT=" + url, "CHROMIUM=" + chromium, "SCREENSHOTS=" + shots}, env...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil || stdout.String() != "ok\n" {
		t.Fatalf("browser script (%s): %v\nstdout:\n%s\nstderr:\n%s\nscreenshots: %s", mode, err, stdout.String(), stderr.String(), shots)
	}
	t.Logf("screenshots in %s", shots)
}

// clusterScript walks the Cluster page (TestBrowserCluster). Environment:
// SLUICE_ENDPOINT (the node the browser opens), SLUICE_KEY and
// SLUICE_SECRET (a key of the credentials file), SLUICE_REGION,
// SLUICE_NODES (JSON: [{id, url, owner}]), SLUICE_STREAM (a stream that
// exists), CHROMIUM, SCREENSHOTS. It prints "ok" when every step passed.
const clusterScript = `
import { chromium } from 'playwright-core';
import { KinesisClient, CreateStreamCommand } from '@aws-sdk/client-kinesis';
import assert from 'node:assert/strict';
import path from 'node:path';

const endpoint = process.env.SLUICE_ENDPOINT;
const shots = process.env.SCREENSHOTS;
const key = process.env.SLUICE_KEY, secret = process.env.SLUICE_SECRET;
const nodes = JSON.parse(process.env.SLUICE_NODES);
const owner = nodes.find((n) => n.owner);
const stream = process.env.SLUICE_STREAM;
const kinesis = new KinesisClient({ endpoint, region: process.env.SLUICE_REGION, credentials: { accessKeyId: key, secretAccessKey: secret }, maxAttempts: 3 });

let shot = 0;
async function step(page, name, fn) {
  process.stderr.write('step: ' + name + '\n');
  try {
    await fn();
  } finally {
    shot++;
    if (shots) await page.screenshot({ path: path.join(shots, String(shot).padStart(2, '0') + '-' + name + '.png'), fullPage: true });
  }
}

// rowOf is the row of table whose first cell (or a link in it) is text.
const rowOf = (page, table, text) => table.getByRole('row').filter({ has: page.getByRole('cell', { name: text, exact: true }) });
const cells = (row) => row.locator('td').allTextContents();

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const failures = [];
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => failures.push('page error: ' + e.message));
  const nav = page.getByRole('navigation', { name: 'Kinesis services' });

  await step(page, 'sign-in', async () => {
    await page.goto(endpoint + '/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Access key ID').fill(key);
    await page.getByLabel('Secret access key').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Data streams' }).waitFor();
  });
  await step(page, 'cluster-page', async () => {
    await nav.getByRole('link', { name: 'Cluster' }).click();
    await page.getByRole('heading', { name: 'Cluster', level: 1 }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Cluster' }).getAttribute('aria-current'), 'page');
    for (const name of ['Owner', 'Nodes', 'Placement']) await page.getByRole('region', { name }).waitFor();
  });
  await step(page, 'owner', async () => {
    const region = page.getByRole('region', { name: 'Owner' });
    await region.getByText(owner.url, { exact: true }).waitFor();
    const items = {};
    for (const item of await region.locator('dl > div').all()) items[await item.locator('dt').textContent()] = await item.locator('dd').textContent();
    assert.equal(items['Node ID'], owner.id);
    assert.equal(items['Advertised URL'], owner.url);
    assert.match(items['Lease'], /^[0-9a-f]+$/);
    assert.match(items['Lease time left'], /^\d+ s$/);
    assert.ok(Number(items['Fence revision']) > 0, 'fence revision ' + items['Fence revision']);
  });
  await step(page, 'nodes', async () => {
    const table = page.getByRole('table', { name: 'Nodes' });
    for (const n of nodes) {
      const row = rowOf(page, table, n.id);
      await row.waitFor();
      const [id, url, role, started] = await cells(row);
      assert.deepEqual([id, url, role], [n.id, n.url, n.owner ? 'Owner' : 'Follower']);
      assert.notEqual(started, '-');
    }
    assert.equal(await table.locator('tbody tr').count(), nodes.length);
  });
  await step(page, 'placement', async () => {
    const table = page.getByRole('table', { name: 'Placement' });
    const row = rowOf(page, table, stream);
    await row.waitFor();
    assert.deepEqual(await cells(row), ['Data stream', stream, '2 / 2', owner.id]);
  });
  await step(page, 'refreshed', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: stream + '-later', ShardCount: 1 }));
    const row = rowOf(page, page.getByRole('table', { name: 'Placement' }), stream + '-later');
    await row.waitFor();
    // The owner runs the first stream's 2 shards: the new one goes to
    // the node with fewer.
    const other = nodes.find((n) => !n.owner);
    assert.deepEqual(await cells(row), ['Data stream', stream + '-later', '1 / 1', other.id]);
  });
  await step(page, 'stream-link', async () => {
    await page.getByRole('table', { name: 'Placement' }).getByRole('link', { name: stream, exact: true }).click();
    await page.getByRole('heading', { name: stream }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Cluster' }).getAttribute('aria-current'), 'false');
  });
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('ok');
`
